// The SQLite layout of the KV: one append-only log of every write (kine's idea; a rowid table,
// unique on (key, rev) because etcd forbids two writes to one key in a transaction), a `head`
// index pointing at each live key's latest row, the lease table, and counters in `meta`.

/**
 * 2: the store's revision is the log's newest (or the compact revision), not meta.revision.
 * 3: `log` is a rowid table (appends to its last page) with a (key, rev) index, no longer a
 * WITHOUT ROWID table keyed (key, rev) (migrate-log.ts moves a schema 2 file over).
 */
export const SCHEMA_VERSION = 3;

/**
 * The log's layout. A write appends its row (1.5-3 KB for a pod) to the table's last page and a
 * small entry to `log_key`; keyed by (key, rev), the row itself went into a random leaf page of
 * about four rows, each one split and written to the WAL whole (bun:sqlite, 9000 writes of
 * 1.6 KB, 16 to a commit: an update 130-166 us -> 80-101 us, a create 71-84 us -> 52-63 us).
 */
export const LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY,      -- the rowid: rows are appended in (rev, sub) order
  key BLOB NOT NULL,
  rev INTEGER NOT NULL,        -- the write's main revision (one per transaction)
  sub INTEGER NOT NULL,        -- order of the write inside its transaction
  value BLOB NOT NULL,
  create_rev INTEGER NOT NULL, -- 0 on a tombstone
  prev_rev INTEGER NOT NULL,   -- rev of the key's previous row, 0 if it did not exist
  version INTEGER NOT NULL,    -- 0 on a tombstone
  lease INTEGER NOT NULL,
  deleted INTEGER NOT NULL     -- 1: tombstone
);
CREATE UNIQUE INDEX IF NOT EXISTS log_key ON log (key, rev);
CREATE INDEX IF NOT EXISTS log_rev ON log (rev, sub);
`;

/** The log's columns but its rowid, in their order (what an INSERT names). */
export const LOG_COLUMNS = "key, rev, sub, value, create_rev, prev_rev, version, lease, deleted";

export const SCHEMA = `${LOG_SCHEMA}
CREATE TABLE IF NOT EXISTS head (
  key BLOB PRIMARY KEY,
  rev INTEGER NOT NULL,
  lease INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS head_lease ON head (lease) WHERE lease != 0;
CREATE TABLE IF NOT EXISTS lease (
  id INTEGER PRIMARY KEY,
  ttl INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Connection settings. WAL, entered with a shared-memory index so that the WAL checkpointer
 * thread's connection can be let in (the KV then sets locking_mode=EXCLUSIVE, and NORMAL only
 * while the thread checkpoints; data-dir.ts's lock file keeps out other processes); with the
 * thread SQLite's checkpoints inside a commit are off (`backgroundCheckpoints`). synchronous=NORMAL writes
 * each commit to the WAL before returning (survives a crash of the process); FULL also fsyncs
 * it (survives power loss). New files get 4 KiB pages: in the rowid log a row of up to ~4 KB
 * stays on its leaf page (the 8 KiB pages of schema 2 kept a WITHOUT ROWID row over ~1 KB from
 * an overflow page), and each random index and head page a commit dirties is half the WAL bytes
 * (bun:sqlite, 16 writes to a commit: a create of 1.6 KB 58 -> 38 us, 3.5 KB 86 -> 68 us, 6 KB
 * 108 -> 79 us; an update 77 -> 66, 107 -> 98, 135 -> 117 us). Existing files keep their page
 * size. The file is read through mmap: overflow pages are otherwise read with one pread each,
 * bypassing SQLite's page cache.
 */
export function pragmas(fsync: boolean, backgroundCheckpoints: boolean): string {
  return `
PRAGMA busy_timeout = 0;
PRAGMA page_size = 4096;
PRAGMA journal_mode = WAL;
PRAGMA wal_autocheckpoint = ${backgroundCheckpoints ? 0 : 1000};
PRAGMA synchronous = ${fsync ? "FULL" : "NORMAL"};
PRAGMA journal_size_limit = 67108864;
PRAGMA cache_size = -32768;
PRAGMA mmap_size = 1073741824;
PRAGMA temp_store = MEMORY;
`;
}
