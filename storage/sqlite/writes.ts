// The write side of the SQLite KV: put, delete and txn inside one open write (a Writer at its
// new revision), with etcd v3's rules for create/mod revisions, versions, tombstones, leases and
// the revision a write reports. Writes run synchronously inside the commit group-commit.ts holds.
import { LeaseNotFoundError, StorageError } from "../errors.ts";
import type {
  Compare,
  DeleteResult,
  KeyRange,
  KeyValue,
  PutOptions,
  PutResult,
  TxnOp,
  TxnOpResult,
  TxnResult,
  WatchEvent,
} from "../kv.ts";
import { evaluateCompare, validateKey } from "../semantics.ts";
import type { Statement } from "./driver.ts";
import type { SqliteReads } from "./reads.ts";
import { EMPTY } from "./rows.ts";
import { LOG_COLUMNS } from "./schema.ts";

/** The write in progress: its revision, the next sub-revision, and the events it makes. */
export interface Writer {
  rev: number;
  sub: number;
  events: WatchEvent[];
  /** The live row a compare of this write just read, for a put of the same key to reuse. */
  known?: { key: Uint8Array; kv: KeyValue | undefined };
}

export interface SqliteWritesDeps {
  stmt: (sql: string) => Statement;
  reads: SqliteReads;
  /** The store's revision before this write changed anything. */
  revision: () => number;
  hasLease: (id: number) => boolean;
}

export class SqliteWrites {
  constructor(private readonly deps: SqliteWritesDeps) {}

  put(w: Writer, key: Uint8Array, value: Uint8Array, options: PutOptions): PutResult {
    validateKey(key);
    const known = w.known;
    w.known = undefined;
    const cur = known && sameKey(known.key, key) ? known.kv : this.deps.reads.current(key);
    if ((options.ignoreValue || options.ignoreLease) && !cur) {
      throw new StorageError("etcdserver: key not found");
    }
    const lease = options.ignoreLease && cur ? cur.lease : (options.lease ?? 0);
    if (lease !== 0 && !this.deps.hasLease(lease)) throw new LeaseNotFoundError(lease);
    const kv: KeyValue = {
      key,
      value: options.ignoreValue && cur ? cur.value : value,
      createRevision: cur ? cur.createRevision : w.rev,
      modRevision: w.rev,
      version: (cur?.version ?? 0) + 1,
      lease,
    };
    this.deps
      .stmt(`INSERT INTO log (${LOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`)
      .run(key, w.rev, w.sub++, kv.value, kv.createRevision, cur?.modRevision ?? 0, kv.version, lease);
    this.deps.stmt("INSERT OR REPLACE INTO head VALUES (?, ?, ?)").run(key, w.rev, lease);
    w.events.push(cur ? { type: "put", kv, prevKv: cur } : { type: "put", kv });
    return options.prevKv && cur ? { revision: w.rev, prevKv: cur } : { revision: w.rev };
  }

  delete(w: Writer, range: KeyRange, prevKv: boolean): DeleteResult {
    w.known = undefined;
    const found = this.deps.reads.range(range, {}, this.seen(w)).kvs;
    const tombstone = this.deps.stmt(`INSERT INTO log (${LOG_COLUMNS}) VALUES (?, ?, ?, x'', 0, ?, 0, 0, 1)`);
    const unhead = this.deps.stmt("DELETE FROM head WHERE key = ?");
    for (const cur of found) {
      tombstone.run(cur.key, w.rev, w.sub++, cur.modRevision);
      unhead.run(cur.key);
      const kv: KeyValue = {
        key: cur.key,
        value: EMPTY,
        createRevision: 0,
        modRevision: w.rev,
        version: 0,
        lease: 0,
      };
      w.events.push({ type: "delete", kv, prevKv: cur });
    }
    return { revision: this.seen(w), deleted: found.length, prevKvs: prevKv ? found : [] };
  }

  txn(w: Writer, compare: Compare[], success: TxnOp[], failure: TxnOp[]): TxnResult {
    const succeeded = compare.every((c) => evaluateCompare(c, this.compared(w, c)));
    const results = (succeeded ? success : failure).map((op) => this.op(w, op));
    return { succeeded, revision: this.seen(w), results };
  }

  /**
   * The live rows a compare reads. One key (the apiserver's create and compare-and-swap) is
   * read whole and remembered for a put of it that follows; a range needs the value only for a
   * value comparison (large ones live in overflow pages).
   */
  private compared(w: Writer, c: Compare): KeyValue[] {
    if (c.end === undefined || c.end.length === 0) {
      const kv = this.deps.reads.current(c.key);
      w.known = { key: c.key, kv };
      return kv ? [kv] : [];
    }
    return this.deps.reads.range({ key: c.key, end: c.end }, { keysOnly: c.target !== "value" }, this.seen(w))
      .kvs;
  }

  /** The revision a write reports: its own once it changed something, else the store's. */
  private seen(w: Writer): number {
    return w.sub > 0 ? w.rev : this.deps.revision();
  }

  private op(w: Writer, op: TxnOp): TxnOpResult {
    switch (op.type) {
      case "range":
        return { type: "range", result: this.deps.reads.range(op, op.options ?? {}, this.seen(w)) };
      case "put":
        return { type: "put", result: this.put(w, op.key, op.value, op.options ?? {}) };
      case "delete":
        return { type: "delete", result: this.delete(w, op, op.prevKv === true) };
      case "txn":
        return { type: "txn", result: this.txn(w, op.compare, op.success, op.failure) };
    }
  }
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
