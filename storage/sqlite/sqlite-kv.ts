// The KV contract on SQLite: etcd v3 semantics (one revision per transaction, create/mod
// revisions and versions per key, history until compaction, leases) over the log/head tables
// of schema.ts. One process owns the database; reads.ts, writes.ts, group-commit.ts,
// wal-checkpoints.ts and compaction.ts hold the parts, this file the store's state,
// lifecycle, watches and leases.
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
  KV,
  LeaseGrant,
  LeaseInfo,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  StoreStatus,
  TxnOp,
  TxnResult,
  Watch,
  WatchOptions,
} from "../kv.ts";
import { validateKey, validateTxn } from "../semantics.ts";
import { WatchHub } from "../watch-hub.ts";
import { whenWritable } from "./busy-retry.ts";
import { openBunCheckpointer } from "./checkpointer-bun.ts";
import { removeHistory } from "./compaction.ts";
import { lockDataDir, lockedError, prepareDataDir, recordOwner } from "./data-dir.ts";
import type { Database, OpenCheckpointer, OpenDatabase, Statement } from "./driver.ts";
import { openBunDatabase } from "./driver-bun.ts";
import { GroupCommit } from "./group-commit.ts";
import { LeaseTable } from "./lease-table.ts";
import { migrateLog } from "./migrate-log.ts";
import { SqliteReads } from "./reads.ts";
import { pragmas, SCHEMA, SCHEMA_VERSION } from "./schema.ts";
import { WAL_LIMIT_BYTES, WAL_RESTART_BYTES, WalCheckpoints } from "./wal-checkpoints.ts";
import { SqliteWrites, type Writer } from "./writes.ts";

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
  /**
   * Checkpoints the WAL on another thread (default with the default driver: a bun:sqlite
   * Worker); null, or a custom openDatabase without one: SQLite checkpoints inside commits.
   */
  openCheckpointer?: OpenCheckpointer | null;
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
  private readonly writes = new SqliteWrites({
    stmt: (sql) => this.stmt(sql),
    reads: this.reads,
    revision: () => this.rev,
    hasLease: (id) => this.leaseTable.has(id),
  });
  private readonly commits: GroupCommit;
  private readonly checkpoints: WalCheckpoints | undefined;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private compacting: Promise<void> = Promise.resolve();

  static open(options: SqliteKVOptions): SqliteKV {
    const path = prepareDataDir(options.dataDir);
    const open = options.openDatabase ?? openBunDatabase;
    const checkpointer =
      options.openCheckpointer === undefined
        ? options.openDatabase
          ? null
          : openBunCheckpointer
        : options.openCheckpointer;
    const lock = lockDataDir(options.dataDir, open);
    let db: Database | undefined;
    try {
      migrateLog(open, path);
      db = open(path);
      db.exec(pragmas(options.fsync === true, checkpointer !== null));
      db.exec(SCHEMA);
      // Exclusive after WAL is entered with shared memory: the checkpointer's connection can be
      // let in (locking_mode=NORMAL) for a checkpoint, and the lock taken back after it.
      db.exec("PRAGMA locking_mode = EXCLUSIVE");
    } catch (err) {
      db?.close();
      lock.close();
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
    return new SqliteKV(db, lock, path, options, checkpointer);
  }

  private constructor(
    private readonly db: Database,
    private readonly lock: Database,
    private readonly path: string,
    options: SqliteKVOptions,
    checkpointer: OpenCheckpointer | null,
  ) {
    const schema = this.meta("schema");
    if (schema > SCHEMA_VERSION) {
      db.close();
      lock.close();
      throw new StorageError(
        `${path} has schema ${schema}, newer than this kube's ${SCHEMA_VERSION}; upgrade kube`,
      );
    }
    if (schema === 0) {
      // A new store is at revision 1, as a new etcd is: the first write gets 2, and no
      // resourceVersion is ever "0", which Kubernetes clients read as "any version".
      this.setMeta("revision", 1);
    }
    // Schema 2 keeps meta.revision only as a floor (written on close, not on every commit): a
    // kube of schema 1, which would trust it, refuses the file.
    if (schema < SCHEMA_VERSION) this.setMeta("schema", SCHEMA_VERSION);
    this.compacted = this.meta("compact");
    this.rev = Math.max(this.meta("revision"), this.compacted, this.lastLogRevision());
    this.compactBatch = options.compactBatch ?? 1000;
    this.leaseTable = new LeaseTable(db, options.now ?? Date.now);
    this.commits = new GroupCommit({
      db,
      stmt: (sql) => this.stmt(sql),
      revision: () => this.rev,
      setRevision: (rev) => {
        this.rev = rev;
      },
      closed: () => this.closed,
      publish: (events, rev) => this.hub.publish(events, rev),
      committed: (writes) => this.checkpoints?.committed(writes),
    });
    if (checkpointer) {
      const fsync = options.fsync === true;
      // The WAL's limits in bytes, as they were in frames of 8 KiB pages (new files have 4 KiB
      // pages: the same frame counts held writes for a checkpoint twice as often).
      const pageSize = Number(db.prepare("PRAGMA page_size").all()[0]?.page_size) || 8192;
      this.checkpoints = new WalCheckpoints({
        restartFrames: Math.ceil(WAL_RESTART_BYTES / pageSize),
        limitFrames: Math.ceil(WAL_LIMIT_BYTES / pageSize),
        open: () => checkpointer(path, fsync),
        hold: () => this.commits.hold(),
        share: () => this.lockingMode("NORMAL"),
        own: () => this.lockingMode("EXCLUSIVE"),
        fallBack: (error) => {
          console.error(`sqlite: WAL checkpoints move back into commits: ${String(error)}`);
          if (!this.closed) this.db.exec("PRAGMA wal_autocheckpoint = 1000");
        },
      });
    }
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
    return this.write((w) => this.writes.put(w, key, value, options));
  }

  async delete(range: KeyRange, options: { prevKv?: boolean } = {}): Promise<DeleteResult> {
    return this.write((w) => this.writes.delete(w, range, options.prevKv === true));
  }

  async txn(compare: Compare[], success: TxnOp[], failure: TxnOp[]): Promise<TxnResult> {
    validateTxn(compare, success, failure);
    return this.write((w) => this.writes.txn(w, compare, success, failure));
  }

  /** One write at its own new revision, committed with the others of this turn (group-commit.ts). */
  private write<T>(fn: (w: Writer) => T, options: { rerunnable?: boolean } = {}): Promise<T> {
    this.assertOpen();
    return this.commits.enqueue(fn, options);
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
    await whenWritable(() => {
      // Tried again only if the lock was taken: a compaction beyond it may have come meanwhile.
      if (revision <= this.compacted) return;
      this.db.immediate(() => this.setMeta("compact", revision));
      this.compacted = revision;
    });
    const previous = this.compacting;
    this.compacting = previous.then(() =>
      removeHistory(
        this.db,
        (sql) => this.stmt(sql),
        revision,
        this.compactBatch,
        () => this.closed,
      ),
    );
    await this.compacting;
  }

  // ---- leases ---------------------------------------------------------------------------

  async leaseGrant(ttl: number, id = 0): Promise<LeaseGrant> {
    this.assertOpen();
    return whenWritable(() => this.db.immediate(() => this.leaseTable.grant(ttl, id)));
  }

  async leaseRevoke(id: number): Promise<void> {
    this.assertOpen();
    if (!this.leaseTable.has(id)) throw new LeaseNotFoundError(id);
    // Not run twice: dropping the lease from memory would change a put of the group run again.
    await this.write(
      (w) => {
        for (const key of this.leaseKeys(id)) this.writes.delete(w, { key }, false);
        this.leaseTable.drop(id);
      },
      { rerunnable: false },
    );
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
    this.commits.flush(true);
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.hub.close();
    await this.compacting.catch(() => undefined);
    // The checkpointer's connection closes first: the last one to close checkpoints the WAL.
    await this.checkpoints?.close();
    this.setMeta("revision", this.rev);
    this.db.close();
    this.lock.close();
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

  /** Sets the connection's locking mode; the read that follows takes or drops the lock now. */
  private lockingMode(mode: "NORMAL" | "EXCLUSIVE"): void {
    if (this.closed) return;
    try {
      this.db.exec(`PRAGMA locking_mode = ${mode}`);
      this.meta("schema");
    } catch (err) {
      // Still shared: transactions take their locks one by one, which is only slower.
      console.error(`sqlite: locking mode ${mode}: ${String(err)}`);
    }
  }

  /**
   * The newest revision in the log. Every revision is written as log rows, and compaction
   * removes rows only below the compact revision, so with that it is the store's revision.
   */
  private lastLogRevision(): number {
    return (this.stmt("SELECT MAX(rev) AS r FROM log").get()?.r as number | null) ?? 0;
  }

  private meta(name: string): number {
    return (this.stmt("SELECT value FROM meta WHERE name = ?").get(name)?.value as number | undefined) ?? 0;
  }

  private setMeta(name: string, value: number): void {
    this.stmt("INSERT OR REPLACE INTO meta VALUES (?, ?)").run(name, value);
  }
}
