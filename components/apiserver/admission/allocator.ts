// Allocation of service ClusterIPs and NodePorts with no double allocation: each taken value
// is a key created with create-if-absent (`/registry/ranges/<kind>/<value>`), so concurrent
// creates, even from two apiservers on one etcd, can never get the same one.
import { bytes, prefixRange, text } from "../../../storage/keys.ts";
import type { KV } from "../../../storage/kv.ts";

export class Allocator {
  constructor(
    private readonly kv: KV,
    private readonly prefix: string,
  ) {}

  private key(value: string): Uint8Array {
    return bytes(`${this.prefix}/${value}`);
  }

  /** Take `value` for `owner`; false if someone else holds it. Re-taking one's own is true. */
  async reserve(value: string, owner: string): Promise<boolean> {
    const key = this.key(value);
    const t = await this.kv.txn(
      [{ key, target: "mod", result: "=", value: 0 }],
      [{ type: "put", key, value: bytes(owner) }],
      [{ type: "range", key }],
    );
    if (t.succeeded) return true;
    const r = t.results[0];
    return r?.type === "range" && text(r.result.kvs[0]?.value ?? new Uint8Array()) === owner;
  }

  async holder(value: string): Promise<string | undefined> {
    const kv = (await this.kv.range({ key: this.key(value) })).kvs[0];
    return kv ? text(kv.value) : undefined;
  }

  /** Release `value` if `owner` holds it. */
  async release(value: string, owner: string): Promise<void> {
    const key = this.key(value);
    await this.kv.txn(
      [{ key, target: "value", result: "=", value: bytes(owner) }],
      [{ type: "delete", key }],
      [],
    );
  }

  /** Take a random free value from `candidates()` (tries a bounded number of times, then scans). */
  async allocate(
    owner: string,
    random: () => string,
    all: () => Iterable<string>,
  ): Promise<string | undefined> {
    for (let i = 0; i < 32; i++) {
      const v = random();
      if (await this.reserve(v, owner)) return v;
    }
    const taken = new Set(
      (await this.kv.range(prefixRange(bytes(`${this.prefix}/`)), { keysOnly: true })).kvs.map((kv) =>
        text(kv.key).slice(this.prefix.length + 1),
      ),
    );
    for (const v of all()) {
      if (!taken.has(v) && (await this.reserve(v, owner))) return v;
    }
    return undefined;
  }
}
