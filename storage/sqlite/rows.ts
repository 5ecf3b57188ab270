// Conversions between the log table's rows and the contract's KeyValue, and the key-range
// conditions of its queries (etcd's end conventions: none = one key, "\0" = to the end).
import { isOpenEnd } from "../keys.ts";
import type { KeyRange, KeyValue } from "../kv.ts";
import type { SqlRow, SqlValue } from "./driver.ts";

export const EMPTY = new Uint8Array(0);

/** The columns every KeyValue query selects, in this order. */
export const KV_COLUMNS = "key, value, create_rev, rev, version, lease";

export function toKeyValue(row: SqlRow): KeyValue {
  return {
    key: row.key as Uint8Array,
    value: (row.value as Uint8Array | null) ?? EMPTY,
    createRevision: row.create_rev as number,
    modRevision: row.rev as number,
    version: row.version as number,
    lease: row.lease as number,
  };
}

/** A SQL condition on `column` selecting the range, with its parameters. */
export function rangeCondition(column: string, range: KeyRange): { sql: string; params: SqlValue[] } {
  const end = range.end;
  if (end === undefined || end.length === 0) return { sql: `${column} = ?`, params: [range.key] };
  if (isOpenEnd(end)) {
    return range.key.length === 0 || (range.key.length === 1 && range.key[0] === 0)
      ? { sql: "1", params: [] }
      : { sql: `${column} >= ?`, params: [range.key] };
  }
  return { sql: `${column} >= ? AND ${column} < ?`, params: [range.key, end] };
}
