// The bun:sqlite implementation of the driver seam (storage/sqlite/driver.ts).
import { Database as BunDatabase } from "bun:sqlite";
import { type Database, type SqlRow, type SqlValue, type Statement, WriteLockBusyError } from "./driver.ts";

export function openBunDatabase(path: string): Database {
  const db = new BunDatabase(path, { create: true, strict: true });
  // Statements are finalized on close: an unfinalized one keeps the file (and its lock) open.
  const prepared: { finalize(): void }[] = [];
  const statement = (sql: string): Statement => {
    const stmt = db.prepare<SqlRow, SqlValue[]>(sql);
    prepared.push(stmt);
    return {
      run: (...params) => ({ changes: stmt.run(...params).changes }),
      get: (...params) => stmt.get(...params) ?? undefined,
      all: (...params) => stmt.all(...params),
    };
  };
  let begin: Statement | undefined;
  let commit: Statement | undefined;
  return {
    exec: (sql) => {
      db.exec(sql);
    },
    prepare: statement,
    immediate: (fn) => {
      begin ??= statement("BEGIN IMMEDIATE");
      commit ??= statement("COMMIT");
      try {
        begin.run();
      } catch (err) {
        // SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT).
        if ((err as { code?: string }).code?.startsWith("SQLITE_BUSY")) throw new WriteLockBusyError(err);
        throw err;
      }
      try {
        const result = fn();
        commit.run();
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw err;
      }
    },
    close: () => {
      for (const stmt of prepared.splice(0)) stmt.finalize();
      db.close();
    },
  };
}
