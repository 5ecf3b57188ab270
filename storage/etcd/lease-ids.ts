// Keeps 64-bit etcd lease IDs exact in a KV whose lease IDs are JavaScript numbers: IDs below 2^53
// pass through; larger ones (real etcd picks random 63-bit IDs) map to the nearest number, and the
// exact decimal string is remembered so the same number goes back out as the same ID.
import type { LeaseIdCodec } from "./convert.ts";
import type { Int64 } from "./wire.ts";

export class LeaseIds implements LeaseIdCodec {
  private readonly exact = new Map<number, string>();

  fromWire(id: Int64 | undefined | null): number {
    if (id === undefined || id === null) return 0;
    const n = Number(id);
    if (typeof id === "string" && !Number.isSafeInteger(n)) this.exact.set(n, id);
    return n;
  }

  toWire(id: number): Int64 {
    return this.exact.get(id) ?? (Number.isSafeInteger(id) ? id : BigInt.asIntN(64, BigInt(id)).toString());
  }

  /** A fresh ID below 2^53 for a grant, so it round-trips through any process exactly. */
  static random(): number {
    return Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1;
  }
}
