// Causes for values of the wrong JSON type. Upstream rejects these while decoding (400
// "cannot unmarshal string into Go struct field"); kube reports them as field causes so
// strategies never throw on a malformed body.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { typeInvalid } from "./field-errors-extra.ts";

export type JsonType = "string" | "integer" | "number" | "boolean" | "object" | "array" | "map of strings";

export function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "map of strings":
      return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "string")
      );
  }
}

/** A cause when `value` is present (not undefined or null) and not of `type`. */
export function checkType(field: string, value: unknown, type: JsonType): StatusCause[] {
  if (value === undefined || value === null || hasType(value, type)) return [];
  return [typeInvalid(field, value, type)];
}

/** Check several fields of one object: `{replicas: "integer", paused: "boolean"}`. */
export function checkFields(
  path: string,
  obj: Record<string, unknown> | undefined,
  types: Record<string, JsonType>,
): StatusCause[] {
  if (!obj) return [];
  // Runs for most objects of every write: no entries array, and a field's path only for a cause.
  const out: StatusCause[] = [];
  for (const key in types) {
    const value = obj[key];
    const type = types[key] as JsonType;
    if (value !== undefined && value !== null && !hasType(value, type))
      out.push(typeInvalid(`${path}.${key}`, value, type));
  }
  return out;
}
