// The read side of the SQLite KV: ranges at the current or a past revision (with etcd's
// limit, count, keys-only and sort rules), one key's live row, and watch history with previous
// values. Reads run synchronously, so a write in progress sees its own earlier writes.
import { CompactedError, FutureRevisionError } from "../errors.ts";
import type { KeyRange, KeyValue, RangeOptions, RangeResult, WatchEvent } from "../kv.ts";
import { sortKeyValues, validateKey } from "../semantics.ts";
import type { SqlValue, Statement } from "./driver.ts";
import { KV_COLUMNS, rangeCondition, toKeyValue } from "./rows.ts";

export class SqliteReads {
  constructor(
    private readonly stmt: (sql: string) => Statement,
    private readonly compacted: () => number,
  ) {}

  /** A range as of `options.revision` (or `current`, the revision a running write sees). */
  range(range: KeyRange, options: RangeOptions, current: number): RangeResult {
    validateKey(range.key, range.end);
    const at = options.revision ?? 0;
    if (at > current) throw new FutureRevisionError(at, current);
    if (at > 0 && at < this.compacted()) throw new CompactedError(at, this.compacted());
    const historic = at > 0 && at < current;
    if (!historic && !options.countOnly && (range.end === undefined || range.end.length === 0)) {
      // One live key (the apiserver's get and compare-and-swap read): no join, no count query.
      const kv = this.current(range.key, options.keysOnly === true);
      return { kvs: kv ? [kv] : [], more: false, count: kv ? 1 : 0, revision: current };
    }
    const limit = options.limit ?? 0;
    const sorted = needsSort(options);
    const cond = rangeCondition(historic ? "key" : "h.key", range);
    const params: SqlValue[] = historic ? [...cond.params, at] : [...cond.params];

    const countSql = historic
      ? `SELECT COUNT(*) AS n FROM (SELECT MAX(rev), deleted FROM log WHERE ${cond.sql} AND rev <= ? GROUP BY key HAVING deleted = 0)`
      : `SELECT COUNT(*) AS n FROM head h WHERE ${cond.sql}`;
    if (options.countOnly) {
      const n = this.stmt(countSql).get(...params)?.n as number;
      return { kvs: [], more: false, count: n, revision: current };
    }
    const fetch = limit > 0 && !sorted ? limit + 1 : 0;
    const rowsSql = historic
      ? `SELECT key, MAX(rev) AS rev, ${options.keysOnly ? "x'' AS value" : "value"}, create_rev, version, lease, deleted
         FROM log WHERE ${cond.sql} AND rev <= ? GROUP BY key HAVING deleted = 0 ORDER BY key`
      : `SELECT l.key AS key, ${options.keysOnly ? "x''" : "l.value"} AS value, l.create_rev AS create_rev,
           l.rev AS rev, l.version AS version, l.lease AS lease
         FROM head h JOIN log l ON l.key = h.key AND l.rev = h.rev WHERE ${cond.sql} ORDER BY h.key`;
    const rows = this.stmt(fetch > 0 ? `${rowsSql} LIMIT ${fetch}` : rowsSql).all(...params);
    let kvs = rows.map(toKeyValue);
    if (sorted) sortKeyValues(kvs, options.sortOrder ?? "none", options.sortTarget ?? "key");
    let more = false;
    if (limit > 0 && kvs.length > limit) {
      kvs = kvs.slice(0, limit);
      more = true;
    }
    const count = limit === 0 ? rows.length : (this.stmt(countSql).get(...params)?.n as number);
    return { kvs, more, count, revision: current };
  }

  /**
   * The live row of one key, with its value (unless `keysOnly`). A subquery on head, not a join:
   * measured in bun:sqlite (5000 keys of 1.6 KB, CPU per read under load 15), 13-21 us against
   * 24-61 us for the join, and 6.5-8 us against 16-23 us for an absent key (every create).
   */
  current(key: Uint8Array, keysOnly = false): KeyValue | undefined {
    const row = this.stmt(
      keysOnly
        ? "SELECT key, x'' AS value, create_rev, rev, version, lease FROM log WHERE key = ?1 AND rev = (SELECT rev FROM head WHERE key = ?1)"
        : "SELECT key, value, create_rev, rev, version, lease FROM log WHERE key = ?1 AND rev = (SELECT rev FROM head WHERE key = ?1)",
    ).get(key);
    return row ? toKeyValue(row) : undefined;
  }

  history(range: KeyRange, from: number, prevKv: boolean): WatchEvent[] {
    const cond = rangeCondition("key", range);
    const rows = this.stmt(
      `SELECT ${KV_COLUMNS}, deleted, prev_rev FROM log WHERE rev >= ? AND ${cond.sql} ORDER BY rev, sub`,
    ).all(from, ...cond.params);
    const prevStmt = this.stmt(`SELECT ${KV_COLUMNS} FROM log WHERE key = ? AND rev = ?`);
    return rows.map((row) => {
      const event: WatchEvent = { type: row.deleted ? "delete" : "put", kv: toKeyValue(row) };
      if (prevKv && (row.prev_rev as number) > 0) {
        const prev = prevStmt.get(row.key as Uint8Array, row.prev_rev as number);
        if (prev) event.prevKv = toKeyValue(prev);
      }
      return event;
    });
  }
}

function needsSort(options: RangeOptions): boolean {
  const order = options.sortOrder ?? "none";
  const target = options.sortTarget ?? "key";
  return !(target === "key" && (order === "none" || order === "ascend"));
}
