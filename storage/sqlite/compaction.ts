// Compaction's row removal for the SQLite KV: every log row below the compact revision that a
// later row of its key (at or below it) supersedes, and every tombstone, goes in small
// transactions with a yield between them, so writers are never held up for long (kine's lesson).
import { whenWritable } from "./busy-retry.ts";
import type { Database, Statement } from "./driver.ts";

export async function removeHistory(
  db: Database,
  stmt: (sql: string) => Statement,
  upTo: number,
  batch: number,
  closed: () => boolean,
): Promise<void> {
  const first = (stmt("SELECT MIN(rev) AS r FROM log").get()?.r as number | null) ?? upTo;
  const remove = stmt(
    `DELETE FROM log WHERE rev >= ? AND rev < ? AND (deleted = 1 OR EXISTS
       (SELECT 1 FROM log n WHERE n.key = log.key AND n.rev > log.rev AND n.rev <= ?))`,
  );
  for (let lo = first; lo <= upTo && !closed(); lo += batch) {
    const hi = Math.min(lo + batch, upTo + 1);
    await whenWritable(() => db.immediate(() => remove.run(lo, hi, upTo)));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!closed()) db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}
