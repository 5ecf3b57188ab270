// The ~50-line seam between the SQLite KV and a SQLite binding: the KV uses only this, so the
// storage package can run on bun:sqlite (driver-bun.ts) or on Node with better-sqlite3, whose
// synchronous API has the same shape (a checkpointer thread is optional: without one SQLite
// checkpoints inside a commit).

/** A bound parameter: SQLite's storage classes as JavaScript values. */
export type SqlValue = number | bigint | string | Uint8Array | null;

/** A row as an object keyed by column name. */
export type SqlRow = Record<string, SqlValue>;

export interface Statement {
  run(...params: SqlValue[]): { changes: number };
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
}

export interface Database {
  /** Run one or more statements that take no parameters. */
  exec(sql: string): void;
  /** Compile once, run many times. */
  prepare(sql: string): Statement;
  /**
   * Run `fn` inside BEGIN IMMEDIATE ... COMMIT, rolling back if it throws. Throws
   * WriteLockBusyError, before `fn` runs, when another connection holds the write lock.
   */
  immediate<T>(fn: () => T): T;
  close(): void;
}

/**
 * BEGIN IMMEDIATE found the WAL's write lock taken by another connection, and nothing ran. In
 * kube that connection is its own checkpointer thread's: one that reads the wal-index header
 * while a commit writes it takes the write lock to read it again (SQLite's walIndexReadHdr), for
 * microseconds, or for a time slice when the thread is preempted. Callers try again (busy-retry.ts).
 */
export class WriteLockBusyError extends Error {
  override name = "WriteLockBusyError";
  constructor(override readonly cause: unknown) {
    super(`database is locked: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Opens a database file; `driver-bun.ts` is the default implementation. */
export type OpenDatabase = (path: string) => Database;

/** What a PASSIVE checkpoint reports: frames in the WAL, and how many of them are in the database. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

/**
 * Checkpoints of a database's WAL from another thread (a connection of its own for each, so the
 * writer may hold its exclusive lock in between): the fsyncs of a checkpoint then never stop the
 * event loop. One checkpoint at a time.
 */
export interface WalCheckpointer {
  /** A PASSIVE checkpoint: copies what no reader needs, never waits for writers. */
  checkpoint(): Promise<CheckpointResult>;
  /** Closes the connection and ends the thread. */
  close(): Promise<void>;
}

/** Starts a checkpointer for the database at `path`; `fsync`: synchronous=FULL as the writer's. */
export type OpenCheckpointer = (path: string, fsync: boolean) => WalCheckpointer;
