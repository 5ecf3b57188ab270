// The KV contract on SQLite: etcd v3 semantics (one revision per transaction, create/mod
// revisions and versions per key, history until compaction, leases) over the log/head tables
// of schema.ts. One process owns the database; writes are synchronous transactions, so each
// write is committed before its watch events are published and before the caller is answered.
import { statSync } from "node:fs";
import {
  CompactedError,
  FutureRevisionError,
  LeaseNotFoundError,
  StorageError,
  StoreClosedError,
} from "../errors.ts";
import type {
  Compare,
  DeleteResult,
  KeyRange,
  KeyValue,
  KV,
  LeaseGrant,
  LeaseInfo,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  StoreStatus,
  TxnOp,
  TxnOpResult,
  TxnResult,
  Watch,
  WatchEvent,
  WatchOptions,
} from "../kv.ts";
import { evaluateCompare, validateKey, validateTxn } from "../semantics.ts";
import { WatchHub } from "../watch-hub.ts";
import { lockedError, prepareDataDir, recordOwner } from "./data-dir.ts";
import type { Database, OpenDatabase, Statement } from "./driver.ts";
import { openBunDatabase } from "./driver-bun.ts";
import { LeaseTable } from "./lease-table.ts";
import { SqliteReads } from "./reads.ts";
import { EMPTY } from "./rows.ts";
import { pragmas, SCHEMA, SCHEMA_VERSION } from "./schema.ts";

export interface SqliteKVOptions {
  /** Directory holding the database; created if missing. */
  dataDir: string;
  /** fsync every commit (power-loss durability). Default: survive a process crash only. */
  fsync?: boolean;
  /** Clock for lease deadlines, in milliseconds. */
  now?: () => number;
  /** How often expired leases are revoked; 0 disables the timer (tests call expireLeases()). */
  leaseCheckIntervalMs?: number;
  /** Events a watcher may have queued before it is cut off. */
  maxWatchPending?: number;
  /** Revisions removed per compaction transaction. */
  compactBatch?: number;
  openDatabase?: OpenDatabase;
}

/** The write in progress: its revision, the next sub-revision, and the events it makes. */
interface Writer {
  rev: number;
  sub: number;
  events: WatchEvent[];
}

export async function openSqliteKV(options: SqliteKVOptions): Promise<SqliteKV> {
  return SqliteKV.open(options);
}

export class SqliteKV implements KV {
  private rev: number;
  private compacted: number;
  private closed = false;
  private readonly hub: WatchHub;
  private readonly leaseTable: LeaseTable;
  private readonly statements = new Map<string, Statement>();
  private readonly reads = new SqliteReads(
    (sql) => this.stmt(sql),
    () => this.compacted,
  );
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private compacting: Promise<void> = Promise.resolve();
  private readonly pending: {
    fn: (w: Writer) => unknown;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }[] = [];

  static open(options: SqliteKVOptions): SqliteKV {
    const path = prepareDataDir(options.dataDir);
    let db: Database | undefined;
    try {
      db = (options.openDatabase ?? openBunDatabase)(path);
      db.exec(pragmas(options.fsync === true));
      db.exec(SCHEMA);
    } catch (err) {
      db?.close();
      const code = (err as { code?: string }).code;
      if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") throw lockedError(options.dataDir);
      if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
        throw new StorageError(
          `${path} is not a usable kube database (${(err as Error).message}); move it away or choose another --data-dir`,
        );
      }
      throw err;
    }
    recordOwner(options.dataDir);
    return new SqliteKV(db, path, options);
  }

  private constructor(
    private readonly db: Database,
    private readonly path: string,
    options: SqliteKVOptions,
  ) {
    const schema = this.meta("schema");
    if (schema > SCHEMA_VERSION) {
      db.close();
      throw new StorageError(
        `${path} has schema ${schema}, newer than this kube's ${SCHEMA_VERSION}; upgrade kube`,
      );
    }
    if (schema === 0) {
      // A new store is at revision 1, as a new etcd is: the first write gets 2, and no
      // resourceVersion is ever "0", which Kubernetes clients read as "any version".
      this.setMeta("schema", SCHEMA_VERSION);
      this.setMeta("revision", 1);
    }
    this.rev = this.meta("revision");
    this.compacted = this.meta("compact");
    this.compactBatch = options.compactBatch ?? 1000;
    this.leaseTable = new LeaseTable(db, options.now ?? Date.now);
    this.hub = new WatchHub(
      {
        revision: () => this.rev,
        compactRevision: () => this.compacted,
        history: (range, from, prevKv) => this.reads.history(range, from, prevKv),
      },
      options.maxWatchPending,
    );
    const interval = options.leaseCheckIntervalMs ?? 500;
    if (interval > 0) {
      this.timer = setInterval(() => void this.expireLeases(), interval);
      this.timer.unref?.();
    }
  }

  private readonly compactBatch: number;

  // ---- reads ----------------------------------------------------------------------------

  async range(range: KeyRange, options: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    return this.reads.range(range, options, this.rev);
  }

  // ---- writes ---------------------------------------------------------------------------

  async put(key: Uint8Array, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    return this.write((w) => this.putIn(w, key, value, options));
  }

  async delete(range: KeyRange, options: { prevKv?: boolean } = {}): Promise<DeleteResult> {
    return this.write((w) => this.deleteIn(w, range, options.prevKv === true));
  }

  async txn(compare: Compare[], success: TxnOp[], failure: TxnOp[]): Promise<TxnResult> {
    validateTxn(compare, success, failure);
    return this.write((w) => this.txnIn(w, compare, success, failure));
  }

  /**
   * Queue `fn` as one write at its own new revision. Writes queued in the same turn of the event
   * loop commit together (group commit: one WAL write, one fsync with --fsync), each inside a
   * savepoint so that a failing write rolls back alone. Callers are answered, and watchers see
   * the events, only after the commit.
   */
  private write<T>(fn: (w: Writer) => T): Promise<T> {
    this.assertOpen();
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    if (this.closed) {
      for (const op of batch) op.reject(new StoreClosedError());
      return;
    }
    const before = this.rev;
    const outcomes: { ok: boolean; value: unknown; w: Writer }[] = [];
    try {
      this.db.immediate(() => {
        for (const op of batch) {
          const w: Writer = { rev: this.rev + 1, sub: 0, events: [] };
          this.stmt("SAVEPOINT write").run();
          try {
            const value = op.fn(w);
            this.stmt("RELEASE write").run();
            if (w.sub > 0) this.rev = w.rev;
            outcomes.push({ ok: true, value, w });
          } catch (err) {
            this.stmt("ROLLBACK TO write").run();
            this.stmt("RELEASE write").run();
            outcomes.push({ ok: false, value: err, w });
          }
        }
        if (this.rev !== before) this.setMeta("revision", this.rev);
      });
    } catch (err) {
      this.rev = before;
      for (const op of batch) op.reject(err);
      return;
    }
    for (const [i, op] of batch.entries()) {
      const o = outcomes[i] as { ok: boolean; value: unknown; w: Writer };
      if (!o.ok) {
        op.reject(o.value);
        continue;
      }
      if (o.w.sub > 0) this.hub.publish(o.w.events, o.w.rev);
      op.resolve(o.value);
    }
  }

  private seen(w: Writer): number {
    return w.sub > 0 ? w.rev : this.rev;
  }

  private putIn(w: Writer, key: Uint8Array, value: Uint8Array, options: PutOptions): PutResult {
    validateKey(key);
    const cur = this.reads.current(key);
    if ((options.ignoreValue || options.ignoreLease) && !cur) {
      throw new StorageError("etcdserver: key not found");
    }
    const lease = options.ignoreLease && cur ? cur.lease : (options.lease ?? 0);
    if (lease !== 0 && !this.leaseTable.has(lease)) throw new LeaseNotFoundError(lease);
    const kv: KeyValue = {
      key,
      value: options.ignoreValue && cur ? cur.value : value,
      createRevision: cur ? cur.createRevision : w.rev,
      modRevision: w.rev,
      version: (cur?.version ?? 0) + 1,
      lease,
    };
    this.stmt("INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)").run(
      key,
      w.rev,
      w.sub++,
      kv.value,
      kv.createRevision,
      cur?.modRevision ?? 0,
      kv.version,
      lease,
    );
    this.stmt("INSERT OR REPLACE INTO head VALUES (?, ?, ?)").run(key, w.rev, lease);
    w.events.push(cur ? { type: "put", kv, prevKv: cur } : { type: "put", kv });
    return options.prevKv && cur ? { revision: w.rev, prevKv: cur } : { revision: w.rev };
  }

  private deleteIn(w: Writer, range: KeyRange, prevKv: boolean): DeleteResult {
    const found = this.reads.range(range, {}, this.seen(w)).kvs;
    const tombstone = this.stmt("INSERT INTO log VALUES (?, ?, ?, x'', 0, ?, 0, 0, 1)");
    const unhead = this.stmt("DELETE FROM head WHERE key = ?");
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

  private txnIn(w: Writer, compare: Compare[], success: TxnOp[], failure: TxnOp[]): TxnResult {
    // Only a value comparison needs the value (large ones live in overflow pages).
    const succeeded = compare.every((c) =>
      evaluateCompare(
        c,
        this.reads.range({ key: c.key, end: c.end }, { keysOnly: c.target !== "value" }, this.seen(w)).kvs,
      ),
    );
    const results = (succeeded ? success : failure).map((op) => this.opIn(w, op));
    return { succeeded, revision: this.seen(w), results };
  }

  private opIn(w: Writer, op: TxnOp): TxnOpResult {
    switch (op.type) {
      case "range":
        return { type: "range", result: this.reads.range(op, op.options ?? {}, this.seen(w)) };
      case "put":
        return { type: "put", result: this.putIn(w, op.key, op.value, op.options ?? {}) };
      case "delete":
        return { type: "delete", result: this.deleteIn(w, op, op.prevKv === true) };
      case "txn":
        return { type: "txn", result: this.txnIn(w, op.compare, op.success, op.failure) };
    }
  }

  // ---- watch and compaction ---------------------------------------------------------------

  watch(range: KeyRange, options: WatchOptions = {}): Watch {
    this.assertOpen();
    validateKey(range.key, range.end);
    return this.hub.watch(range, options);
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    if (revision <= this.compacted) throw new CompactedError(revision, this.compacted);
    // From now on reads and watches below `revision` fail; the rows go in small batches so
    // that writers are never held up for long (kine's lesson), one compaction at a time.
    this.db.immediate(() => this.setMeta("compact", revision));
    this.compacted = revision;
    const previous = this.compacting;
    this.compacting = previous.then(() => this.removeHistory(revision));
    await this.compacting;
  }

  private async removeHistory(upTo: number): Promise<void> {
    const first = (this.stmt("SELECT MIN(rev) AS r FROM log").get()?.r as number | null) ?? upTo;
    const remove = this.stmt(
      `DELETE FROM log WHERE rev >= ? AND rev < ? AND (deleted = 1 OR EXISTS
         (SELECT 1 FROM log n WHERE n.key = log.key AND n.rev > log.rev AND n.rev <= ?))`,
    );
    for (let lo = first; lo <= upTo && !this.closed; lo += this.compactBatch) {
      const hi = Math.min(lo + this.compactBatch, upTo + 1);
      this.db.immediate(() => remove.run(lo, hi, upTo));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!this.closed) this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  // ---- leases ---------------------------------------------------------------------------

  async leaseGrant(ttl: number, id = 0): Promise<LeaseGrant> {
    this.assertOpen();
    return this.db.immediate(() => this.leaseTable.grant(ttl, id));
  }

  async leaseRevoke(id: number): Promise<void> {
    this.assertOpen();
    if (!this.leaseTable.has(id)) throw new LeaseNotFoundError(id);
    await this.write((w) => {
      for (const key of this.leaseKeys(id)) this.deleteIn(w, { key }, false);
      this.leaseTable.drop(id);
    });
  }

  async leaseKeepAlive(id: number): Promise<number> {
    this.assertOpen();
    return this.leaseTable.renew(id);
  }

  async leaseTimeToLive(id: number, withKeys = false): Promise<LeaseInfo> {
    this.assertOpen();
    const left = this.leaseTable.remaining(id);
    if (!left) return { id, ttl: -1, grantedTtl: 0, keys: [] };
    return { id, ...left, keys: withKeys ? this.leaseKeys(id) : [] };
  }

  async leases(): Promise<number[]> {
    this.assertOpen();
    return this.leaseTable.ids();
  }

  /** Revoke every lease past its deadline; returns how many. */
  async expireLeases(): Promise<number> {
    if (this.closed) return 0;
    const expired = this.leaseTable.expired();
    for (const id of expired) await this.leaseRevoke(id).catch(() => undefined);
    return expired.length;
  }

  private leaseKeys(id: number): Uint8Array[] {
    return this.stmt("SELECT key FROM head WHERE lease = ? ORDER BY key")
      .all(id)
      .map((r) => r.key as Uint8Array);
  }

  // ---- status and lifecycle --------------------------------------------------------------

  async status(): Promise<StoreStatus> {
    this.assertOpen();
    const size = (p: string) => {
      try {
        return statSync(p).size;
      } catch {
        return 0;
      }
    };
    const pages = this.stmt(
      "SELECT * FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()",
    ).get();
    const inUse = pages
      ? ((pages.page_count as number) - (pages.freelist_count as number)) * (pages.page_size as number)
      : 0;
    return {
      revision: this.rev,
      compactRevision: this.compacted,
      dbSize: size(this.path) + size(`${this.path}-wal`),
      dbSizeInUse: inUse,
    };
  }

  /** Number of open watches (for tests and metrics). */
  get watchers(): number {
    return this.hub.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.hub.close();
    await this.compacting.catch(() => undefined);
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private meta(name: string): number {
    return (this.stmt("SELECT value FROM meta WHERE name = ?").get(name)?.value as number | undefined) ?? 0;
  }

  private setMeta(name: string, value: number): void {
    this.stmt("INSERT OR REPLACE INTO meta VALUES (?, ?)").run(name, value);
  }
}
