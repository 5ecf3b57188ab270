// Lease bookkeeping of the SQLite KV: TTLs persist in the `lease` table, deadlines live in
// memory. As etcd does on a leader change, a restart gives every lease a fresh full TTL.
// Upstream: etcd-io/etcd server/lease/lessor.go (minimum TTL, maximum TTL, remaining TTL).
import { InvalidArgumentError, LeaseExistsError, LeaseNotFoundError } from "../errors.ts";
import type { Database, Statement } from "./driver.ts";

/** etcd's minimum TTL with its default election timeout: ceil(3 * 10 ticks * 100 ms / 2). */
export const MIN_LEASE_TTL = 2;
/** etcd's MaxLeaseTTL. */
export const MAX_LEASE_TTL = 9_000_000_000;

interface Lease {
  ttl: number;
  deadline: number;
}

export class LeaseTable {
  private readonly leases = new Map<number, Lease>();
  private readonly insert: Statement;
  private readonly remove: Statement;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare("INSERT INTO lease (id, ttl) VALUES (?, ?)");
    this.remove = db.prepare("DELETE FROM lease WHERE id = ?");
    for (const row of db.prepare("SELECT id, ttl FROM lease").all()) {
      const ttl = row.ttl as number;
      this.leases.set(row.id as number, { ttl, deadline: this.now() + ttl * 1000 });
    }
  }

  has(id: number): boolean {
    return this.leases.has(id);
  }

  ids(): number[] {
    return [...this.leases.keys()];
  }

  grant(requestedTtl: number, requestedId: number): { id: number; ttl: number } {
    if (requestedTtl > MAX_LEASE_TTL) throw new InvalidArgumentError("etcdserver: too large lease TTL");
    if (requestedId < 0 || !Number.isSafeInteger(requestedId)) {
      throw new InvalidArgumentError(`lease ID ${requestedId} is not a positive integer below 2^53`);
    }
    const id = requestedId || this.newId();
    if (this.leases.has(id)) throw new LeaseExistsError(id);
    const ttl = Math.max(requestedTtl, MIN_LEASE_TTL);
    this.insert.run(id, ttl);
    this.leases.set(id, { ttl, deadline: this.now() + ttl * 1000 });
    return { id, ttl };
  }

  renew(id: number): number {
    const lease = this.leases.get(id);
    if (!lease) throw new LeaseNotFoundError(id);
    lease.deadline = this.now() + lease.ttl * 1000;
    return lease.ttl;
  }

  /** Seconds left, rounded up as etcd does; undefined if the lease does not exist. */
  remaining(id: number): { ttl: number; grantedTtl: number } | undefined {
    const lease = this.leases.get(id);
    if (!lease) return undefined;
    return { ttl: Math.max(0, Math.ceil((lease.deadline - this.now()) / 1000)), grantedTtl: lease.ttl };
  }

  /** Forget the lease (the caller deletes its keys in the same transaction). */
  drop(id: number): void {
    this.remove.run(id);
    this.leases.delete(id);
  }

  expired(): number[] {
    const now = this.now();
    const out: number[] = [];
    for (const [id, lease] of this.leases) if (lease.deadline <= now) out.push(id);
    return out;
  }

  private newId(): number {
    // Positive and below 2^53 so that the ID survives JSON and JavaScript numbers.
    for (;;) {
      const id = Math.floor(Math.random() * 2 ** 52) + 1;
      if (!this.leases.has(id)) return id;
    }
  }
}
