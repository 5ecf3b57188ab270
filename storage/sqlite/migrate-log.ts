// Schema 2 -> 3 for a data dir written by an older kube: its `log` was a WITHOUT ROWID table
// keyed (key, rev); the rows move, in (rev, sub) order, into schema.ts's rowid layout, in one
// transaction that also records schema 3 (so a kube of schema 2 refuses the file afterwards).
import { StorageError } from "../errors.ts";
import type { Database, OpenDatabase } from "./driver.ts";
import { LOG_COLUMNS, LOG_SCHEMA, SCHEMA_VERSION } from "./schema.ts";

/**
 * Moves an old-layout `log` at `path` to the current one; true when it did. Run before the KV's
 * own connection opens, on a connection of its own (closed after, its statements finalized), so
 * the KV's connection holds none of it. Sets no pragma: a new file keeps the KV's page size.
 * A file of a newer schema is refused here, before the KV's SCHEMA could add to it.
 */
export function migrateLog(open: OpenDatabase, path: string): boolean {
  const db = open(path);
  try {
    db.exec("PRAGMA busy_timeout = 0");
    const schema = storedSchema(db);
    if (schema > SCHEMA_VERSION)
      throw new StorageError(
        `${path} has schema ${schema}, newer than this kube's ${SCHEMA_VERSION}; upgrade kube`,
      );
    if (schema > 2 || !withoutRowid(db)) return false;
    db.immediate(() => {
      db.exec("ALTER TABLE log RENAME TO log_v2; DROP INDEX IF EXISTS log_rev;");
      db.exec(LOG_SCHEMA);
      db.exec(`INSERT INTO log (${LOG_COLUMNS}) SELECT ${LOG_COLUMNS} FROM log_v2 ORDER BY rev, sub`);
      db.exec("DROP TABLE log_v2");
      db.exec(
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
      );
      db.exec(`INSERT OR REPLACE INTO meta VALUES ('schema', ${SCHEMA_VERSION})`);
    });
    return true;
  } finally {
    db.close();
  }
}

/** meta's schema, 0 for a new file (or one from before meta had it). */
function storedSchema(db: Database): number {
  const meta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").all();
  if (meta.length === 0) return 0;
  const schema = db.prepare("SELECT value FROM meta WHERE name = 'schema'").all()[0]?.value;
  return typeof schema === "number" ? schema : 0;
}

/** Whether `log` is schema 2's WITHOUT ROWID table (all(), not get(): no statement left open). */
function withoutRowid(db: Database): boolean {
  const log = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'log'").all()[0]?.sql;
  return typeof log === "string" && /WITHOUT\s+ROWID/i.test(log);
}
