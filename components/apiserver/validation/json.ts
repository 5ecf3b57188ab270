// Safe access to untrusted JSON bodies: strategies see request bodies before any schema
// check, so a string may sit where an object belongs. These helpers never throw; defaulting
// skips what has the wrong shape and validation reports it.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Go's zero-value test for optional fields: absent, null, or the type's zero. */
export function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === "";
}

/** The object at `parent[key]`, or undefined when absent or not an object. */
export function child(parent: unknown, key: string): JsonObject | undefined {
  if (!isObject(parent)) return undefined;
  const v = parent[key];
  return isObject(v) ? v : undefined;
}

/** The object at `parent[key]`, created when absent or null; undefined when another type sits there. */
export function ensure(parent: JsonObject, key: string): JsonObject | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    const made: JsonObject = {};
    parent[key] = made;
    return made;
  }
  return isObject(v) ? v : undefined;
}

/** The array at `parent[key]`, or [] when absent or not an array. */
export function list(parent: unknown, key: string): unknown[] {
  if (!isObject(parent)) return [];
  const v = parent[key];
  return Array.isArray(v) ? v : [];
}

/** The objects of the array at `parent[key]` with their indexes (non-objects skipped). */
export function objects(parent: unknown, key: string): [JsonObject, number][] {
  const out: [JsonObject, number][] = [];
  list(parent, key).forEach((v, i) => {
    if (isObject(v)) out.push([v, i]);
  });
  return out;
}

/** Set `parent[key]` when it is unset (absent, null or ""). */
export function setDefault(parent: JsonObject, key: string, value: unknown): void {
  if (isUnset(parent[key])) parent[key] = value;
}

export function str(parent: unknown, key: string): string | undefined {
  if (!isObject(parent)) return undefined;
  const v = parent[key];
  return typeof v === "string" ? v : undefined;
}

export function num(parent: unknown, key: string): number | undefined {
  if (!isObject(parent)) return undefined;
  const v = parent[key];
  return typeof v === "number" ? v : undefined;
}

/** A map of strings (labels, selectors, data); non-string values are dropped. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}
