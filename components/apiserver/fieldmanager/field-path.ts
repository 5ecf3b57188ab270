// A path to one field of an object in managedFields' FieldsV1 form (`f:name`, `k:{"name":"x"}`,
// `v:"value"`, `i:0`), with lookup, removal and the `.spec.containers[name="x"].image` text
// upstream prints in apply conflicts (sigs.k8s.io/structured-merge-diff fieldpath).

import { isJsonObject, type JsonObject, type JsonValue, jsonEqual } from "../patch/json-value.ts";
import { listKind, type PatchMeta } from "../patch/patch-meta.ts";

export type PathElement = string;
export type FieldPath = readonly PathElement[];

/** The element naming a list item: its keys for a list-map, its value for a set, else its index. */
export function itemElement(item: JsonValue, index: number, listMeta: PatchMeta | undefined): PathElement {
  const kind = listKind(listMeta);
  if (kind.type === "set") return `v:${JSON.stringify(item)}`;
  if (kind.type === "map" && isJsonObject(item)) {
    const keys: JsonObject = {};
    for (const key of [...kind.keys].sort()) {
      const value = Object.hasOwn(item, key) ? item[key] : listMeta?.keyDefaults?.[key];
      if (value !== undefined && value !== null) keys[key] = value;
    }
    const primary = listMeta?.mergeKey ?? kind.keys[0];
    if (primary !== undefined && Object.hasOwn(keys, primary)) return `k:${JSON.stringify(keys)}`;
  }
  return `i:${index}`;
}

/** Upstream's text form of a path, e.g. `.spec.template.spec.containers[name="app"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      if (element.startsWith("f:")) return `.${body}`;
      if (element.startsWith("v:")) return `[=${body}]`;
      if (element.startsWith("i:")) return `[${body}]`;
      const keys = JSON.parse(body) as JsonObject;
      return `[${Object.entries(keys)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join(",")}]`;
    })
    .join("");
}

function matches(
  item: JsonValue,
  index: number,
  element: PathElement,
  listMeta: PatchMeta | undefined,
): boolean {
  if (element.startsWith("i:")) return index === Number(element.slice(2));
  if (element.startsWith("v:")) return jsonEqual(item, JSON.parse(element.slice(2)));
  return itemElement(item, index, listMeta) === element;
}

/** Resolves one step; lists need their meta to recognise item keys with defaults. */
function step(
  value: JsonValue | undefined,
  element: PathElement,
  meta: PatchMeta | undefined,
): { value: JsonValue | undefined; index: number } {
  if (element.startsWith("f:")) {
    const name = element.slice(2);
    const found = isJsonObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
    return { value: found, index: -1 };
  }
  if (!Array.isArray(value)) return { value: undefined, index: -1 };
  const index = value.findIndex((item, i) => matches(item, i, element, meta));
  return { value: index < 0 ? undefined : value[index], index };
}

function childMeta(meta: PatchMeta | undefined, element: PathElement): PatchMeta | undefined {
  if (!element.startsWith("f:")) return meta;
  const name = element.slice(2);
  return meta?.fields?.[name] ?? meta?.values;
}

/** The value at `path`, or undefined when the object has no such field or item. */
export function valueAt(
  root: JsonValue,
  path: FieldPath,
  meta: PatchMeta | undefined,
): JsonValue | undefined {
  let value: JsonValue | undefined = root;
  let current = meta;
  for (const element of path) {
    value = step(value, element, current).value;
    current = childMeta(current, element);
    if (value === undefined) return undefined;
  }
  return value;
}

/** Removes the field or list item at `path` from `root` (mutating it); absent paths are ignored. */
export function removeAt(root: JsonValue, path: FieldPath, meta: PatchMeta | undefined): void {
  const last = path.at(-1);
  if (last === undefined) return;
  let parent: JsonValue | undefined = root;
  let current = meta;
  for (const element of path.slice(0, -1)) {
    parent = step(parent, element, current).value;
    current = childMeta(current, element);
    if (parent === undefined) return;
  }
  if (last.startsWith("f:")) {
    if (isJsonObject(parent)) delete parent[last.slice(2)];
    return;
  }
  const { index } = step(parent, last, current);
  if (Array.isArray(parent) && index >= 0) parent.splice(index, 1);
}
