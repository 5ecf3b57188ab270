// The data maps of ConfigMaps and Secrets: key syntax, the 1 MiB total, and the rule that
// immutable objects keep their data. Upstream: pkg/apis/core/validation/validation.go
// ValidateConfigMap, ValidateSecret and their Update functions.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { configKey } from "./config-key.ts";
import { forbidden, invalid, tooLong } from "./field-errors.ts";
import { isObject, type JsonObject, jsonEqual } from "./json.ts";
import { checkType } from "./type-checks.ts";

export const MAX_DATA_BYTES = 1024 * 1024;

/** Keys and value types of one data map; returns the byte count of its values. */
export function validateDataMap(
  field: string,
  data: unknown,
  size: (value: string) => number,
  out: StatusCause[],
): { keys: string[]; bytes: number } {
  if (data === undefined || data === null) return { keys: [], bytes: 0 };
  if (!isObject(data)) {
    out.push(...checkType(field, data, "map of strings"));
    return { keys: [], bytes: 0 };
  }
  let bytes = 0;
  for (const [k, v] of Object.entries(data)) {
    out.push(...configKey(`${field}[${k}]`, k));
    if (typeof v !== "string") out.push(...checkType(`${field}[${k}]`, v, "string"));
    else bytes += size(v);
  }
  return { keys: Object.keys(data), bytes };
}

export const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** Decoded size of base64 text; undefined when it is not base64. */
export function base64Bytes(s: string): number | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  return (s.length / 4) * 3 - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0);
}

export function invalidBase64(field: string, value: string): StatusCause {
  return invalid(field, value, "illegal base64 data");
}

export function checkTotal(field: string, bytes: number): StatusCause[] {
  return bytes > MAX_DATA_BYTES ? [tooLong(field, MAX_DATA_BYTES)] : [];
}

/** The update rule of `immutable: true` objects. */
export function validateImmutableData(obj: JsonObject, old: JsonObject, fields: string[]): StatusCause[] {
  if (old.immutable !== true) return [];
  const out: StatusCause[] = [];
  if (obj.immutable !== true) out.push(forbidden("immutable", "field is immutable when `immutable` is set"));
  for (const f of fields) {
    if (!jsonEqual(obj[f] ?? {}, old[f] ?? {}))
      out.push(forbidden(f, "field is immutable when `immutable` is set"));
  }
  return out;
}
