// fieldSetOf: the fields an object sets, as server-side apply counts them: leaves, atomic lists
// and objects, list-map items by key and set items by value. apiVersion, kind and the
// server-owned metadata are never managed (upstream fieldmanager/internal/stripmeta.go).

import { type FieldPath, itemElement } from "./field-path.ts";
import { FieldSet } from "./field-set.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";
import { fieldMeta, listKind, type PatchMeta } from "./patch-meta.ts";

const unmanaged: FieldPath[] = [
  ["f:apiVersion"],
  ["f:kind"],
  ["f:metadata"],
  ...[
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "clusterName",
    "generation",
    "managedFields",
    "resourceVersion",
  ].map((field) => ["f:metadata", `f:${field}`]),
];

function isUnmanaged(path: FieldPath): boolean {
  return unmanaged.some(
    (prefix) =>
      path.length >= prefix.length &&
      prefix.every((element, i) => path[i] === element) &&
      (prefix.length > 1 || path.length === 1),
  );
}

export function fieldSetOf(obj: JsonObject, meta: PatchMeta | undefined): FieldSet {
  const set = new FieldSet();
  walkObject(obj, meta, [], set);
  return new FieldSet(set.paths().filter((path) => !isUnmanaged(path)));
}

function walkObject(obj: JsonObject, meta: PatchMeta | undefined, path: FieldPath, set: FieldSet): void {
  for (const [key, value] of Object.entries(obj)) {
    if (value !== null) walkValue(value, fieldMeta(meta, key), [...path, `f:${key}`], set);
  }
}

function walkValue(value: JsonValue, meta: PatchMeta | undefined, path: FieldPath, set: FieldSet): void {
  if (isJsonObject(value)) {
    if (meta?.atomic || Object.keys(value).length === 0) set.add(path);
    else walkObject(value, meta, path, set);
    return;
  }
  if (!Array.isArray(value)) {
    set.add(path);
    return;
  }
  const kind = listKind(meta);
  const elements = value.map((item, index) => itemElement(item, index, meta));
  if (kind.type === "atomic" || value.length === 0 || elements.some((element) => element.startsWith("i:"))) {
    set.add(path);
    return;
  }
  value.forEach((item, index) => {
    const itemPath = [...path, elements[index] as string];
    set.add(itemPath);
    if (kind.type === "map" && isJsonObject(item)) walkObject(item, meta, itemPath, set);
  });
}
