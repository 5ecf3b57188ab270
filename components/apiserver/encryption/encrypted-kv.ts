// Encryption at rest: a KV whose values under the configured resources' keys are written with
// the first provider and read with whichever provider's prefix they carry, for every read path
// (ranges, transactions, previous values, watches). Upstream: k8s.io/apiserver
// pkg/storage/etcd3/store.go (transformer calls, "unable to transform key" errors).
import { text } from "../../../storage/keys.ts";
import type {
  Compare,
  DeleteResult,
  KeyRange,
  KeyValue,
  KV,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  TxnOp,
  TxnOpResult,
  TxnResult,
  Watch,
  WatchBatch,
  WatchOptions,
} from "../../../storage/kv.ts";
import type { EncryptionConfiguration } from "./encryption-config.ts";
import { type TransformerForKey, transformersFor } from "./encryption-transformers.ts";
import { markStale } from "./stale-values.ts";
import type { ReadValue } from "./value-transformer.ts";

/** A value that no configured provider can read: upstream's text, plus what to do about it. */
function unreadable(key: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(
    `unable to transform key "${key}": ${reason} (the value was written with an encryption provider or key that is not in --encryption-provider-config: add it back, after the provider that writes)`,
  );
}

class EncryptedKV implements KV {
  constructor(
    private readonly kv: KV,
    private readonly transformerFor: TransformerForKey,
  ) {}

  private seal(key: Uint8Array, value: Uint8Array): Uint8Array {
    const t = this.transformerFor(text(key));
    return t ? t.toStorage(value, key) : value;
  }

  private open(kv: KeyValue): KeyValue;
  private open(kv: KeyValue | undefined): KeyValue | undefined;
  private open(kv: KeyValue | undefined): KeyValue | undefined {
    if (kv === undefined || kv.value.length === 0) return kv;
    const name = text(kv.key);
    const t = this.transformerFor(name);
    if (!t) return kv;
    let read: ReadValue;
    try {
      read = t.fromStorage(kv.value, kv.key);
    } catch (err) {
      throw unreadable(name, err);
    }
    const opened = { ...kv, value: read.data };
    if (read.stale) markStale(opened);
    return opened;
  }

  private openRange(r: RangeResult): RangeResult {
    return { ...r, kvs: r.kvs.map((kv) => this.open(kv)) };
  }

  private openDelete(r: DeleteResult): DeleteResult {
    return { ...r, prevKvs: r.prevKvs.map((kv) => this.open(kv)) };
  }

  private openPut(r: PutResult): PutResult {
    return r.prevKv ? { ...r, prevKv: this.open(r.prevKv) } : r;
  }

  private sealOp(op: TxnOp): TxnOp {
    switch (op.type) {
      case "put":
        return op.options?.ignoreValue ? op : { ...op, value: this.seal(op.key, op.value) };
      case "txn":
        return {
          ...op,
          compare: op.compare.map((c) => this.checkCompare(c)),
          success: op.success.map((o) => this.sealOp(o)),
          failure: op.failure.map((o) => this.sealOp(o)),
        };
      default:
        return op;
    }
  }

  /** Encrypted values differ on every write (random IVs), so comparing them is meaningless. */
  private checkCompare(c: Compare): Compare {
    if (c.target === "value" && this.transformerFor(text(c.key))) {
      throw new Error(`cannot compare the value of "${text(c.key)}": it is encrypted at rest`);
    }
    return c;
  }

  private openResult(r: TxnOpResult): TxnOpResult {
    switch (r.type) {
      case "range":
        return { type: "range", result: this.openRange(r.result) };
      case "put":
        return { type: "put", result: this.openPut(r.result) };
      case "delete":
        return { type: "delete", result: this.openDelete(r.result) };
      case "txn":
        return { type: "txn", result: this.openTxn(r.result) };
    }
  }

  private openTxn(r: TxnResult): TxnResult {
    return { ...r, results: r.results.map((x) => this.openResult(x)) };
  }

  async range(range: KeyRange, options?: RangeOptions): Promise<RangeResult> {
    return this.openRange(await this.kv.range(range, options));
  }

  async put(key: Uint8Array, value: Uint8Array, options?: PutOptions): Promise<PutResult> {
    const stored = options?.ignoreValue ? value : this.seal(key, value);
    return this.openPut(await this.kv.put(key, stored, options));
  }

  async delete(range: KeyRange, options?: { prevKv?: boolean }): Promise<DeleteResult> {
    return this.openDelete(await this.kv.delete(range, options));
  }

  async txn(compare: Compare[], success: TxnOp[], failure: TxnOp[]): Promise<TxnResult> {
    const result = await this.kv.txn(
      compare.map((c) => this.checkCompare(c)),
      success.map((op) => this.sealOp(op)),
      failure.map((op) => this.sealOp(op)),
    );
    return this.openTxn(result);
  }

  watch(range: KeyRange, options?: WatchOptions): Watch {
    const inner = this.kv.watch(range, options);
    const open = (batch: WatchBatch): WatchBatch => ({
      ...batch,
      events: batch.events.map((e) => ({
        ...e,
        kv: this.open(e.kv),
        ...(e.prevKv ? { prevKv: this.open(e.prevKv) } : {}),
      })),
    });
    return {
      requestProgress: () => inner.requestProgress(),
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        for await (const batch of inner) yield open(batch);
      },
    };
  }

  compact(revision: number) {
    return this.kv.compact(revision);
  }
  leaseGrant(ttl: number, id?: number) {
    return this.kv.leaseGrant(ttl, id);
  }
  leaseRevoke(id: number) {
    return this.kv.leaseRevoke(id);
  }
  leaseKeepAlive(id: number) {
    return this.kv.leaseKeepAlive(id);
  }
  leaseTimeToLive(id: number, withKeys?: boolean) {
    return this.kv.leaseTimeToLive(id, withKeys);
  }
  leases() {
    return this.kv.leases();
  }
  status() {
    return this.kv.status();
  }
  close() {
    return this.kv.close();
  }
}

/** `kv` with the configured resources encrypted at rest (`--encryption-provider-config`). */
export function wrapKvWithEncryption(kv: KV, config: EncryptionConfiguration): KV {
  return new EncryptedKV(kv, transformersFor(config));
}
