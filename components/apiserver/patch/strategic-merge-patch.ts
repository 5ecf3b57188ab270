// Strategic merge patch (application/strategic-merge-patch+json): a JSON merge patch whose
// lists merge by key, with the `$patch`, `$retainKeys`, `$setElementOrder/` and
// `$deleteFromPrimitiveList/` directives. Behaviour of apimachinery pkg/util/strategicpatch/patch.go
// (StrategicMergeMapPatch); malformed patches are 400 where upstream leaks a plain error (500).

import { goFormat, goTypeName } from "./go-format.ts";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";
import {
  noMergeKey,
  normalizeElementOrder,
  partition,
  requireMergeKey,
  validateSetElementOrder,
} from "./list-order.ts";
import { PatchError } from "./patch-error.ts";
import { fieldMeta, type PatchMeta } from "./patch-meta.ts";

const deletePrefix = "$deleteFromPrimitiveList";
const orderPrefix = "$setElementOrder";

/** Applies a strategic merge patch to a copy of `obj`, guided by the kind's PatchMeta. */
export function applyStrategicMergePatch(obj: unknown, patch: unknown, meta: PatchMeta | undefined): unknown {
  if (!isJsonObject(patch)) {
    const kind = Array.isArray(patch) ? "array" : patch === null ? "null" : typeof patch;
    throw PatchError.badRequest(
      `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`,
    );
  }
  if (!isJsonObject(obj)) throw PatchError.badRequest("invalid JSON document");
  return mergeMap(cloneJson(obj), cloneJson(patch), meta);
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw PatchError.badRequest(
      prefix === deletePrefix
        ? "invalid patch format of primitive list"
        : "invalid patch format of setElementOrder list",
    );
  }
  return key.slice(slash + 1);
}

/** Merges `patch` into `original` (both owned by the caller, and mutated). */
function mergeMap(original: JsonObject, patch: JsonObject, meta: PatchMeta | undefined): JsonObject {
  if (Object.hasOwn(patch, "$patch")) {
    const directive = patch.$patch;
    if (directive === "delete") return {};
    if (directive !== "replace" && directive !== "merge") {
      throw PatchError.badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
    }
    delete patch.$patch;
    // "replace" keeps only what the patch says; "merge" is the default behaviour, spelled out.
    if (directive === "replace") return mergeMap({}, patch, meta);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, meta);

  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(deletePrefix)) {
      deleteFromPrimitiveList(original, extractKey(key, deletePrefix), value);
      continue;
    }
    if (value === null) {
      delete original[key];
      continue;
    }
    const child = fieldMeta(meta, key);
    const current = Object.hasOwn(original, key) ? original[key] : undefined;
    if (isJsonObject(current) && isJsonObject(value)) {
      original[key] =
        child?.strategy === "replace" ? materialize(value, child) : mergeMap(current, value, child);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      original[key] = child?.strategy === "merge" ? mergeList(current, value, child) : value;
    } else {
      original[key] = materialize(value, child);
    }
  }
  return original;
}

/** A patch value for a field the original lacks: directives applied and nulls dropped. */
function materialize(value: JsonValue, meta: PatchMeta | undefined): JsonValue {
  if (isJsonObject(value)) return mergeMap({}, value, meta);
  if (Array.isArray(value) && meta?.strategy === "merge") return mergeList([], value, meta);
  return value;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, "$retainKeys")) return;
  const retain = patch.$retainKeys;
  delete patch.$retainKeys;
  if (!Array.isArray(retain)) throw PatchError.badRequest("invalid patch format of retainKeys");
  const keep = new Set<JsonValue>(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(deletePrefix) || key.startsWith(orderPrefix)) continue;
    if (!keep.has(key)) throw PatchError.badRequest("invalid patch format of retainKeys");
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(key)) delete original[key];
  }
}

function deleteFromPrimitiveList(original: JsonObject, field: string, value: JsonValue): void {
  if (!Array.isArray(value)) throw PatchError.badRequest("invalid patch format of primitive list");
  const current = original[field];
  if (Array.isArray(current)) original[field] = current.filter((item) => !value.includes(item));
}

/** `$setElementOrder/<field>`: merges the field's list and fixes the final order of its items. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, meta: PatchMeta | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(orderPrefix)) continue;
    const order = patch[key] as JsonValue;
    delete patch[key];
    const field = extractKey(key, orderPrefix);
    if (!Array.isArray(order)) {
      throw PatchError.badRequest(`expected a []interface {}, but received a ${goTypeName(order)}`);
    }
    const child = fieldMeta(meta, field);
    const mergeKey = child?.mergeKey ?? "";
    const current = original[field];
    const originalList = Array.isArray(current) ? current : undefined;
    const inPatch = Object.hasOwn(patch, field);
    const patchValue = patch[field] as JsonValue;
    if (inPatch && !Array.isArray(patchValue)) {
      throw PatchError.badRequest(`expected a []interface {}, but received a ${goTypeName(patchValue)}`);
    }
    const patchList = inPatch ? (patchValue as JsonValue[]) : undefined;
    validateSetElementOrder(patchList ?? [], order, mergeKey);

    let merged: JsonValue[];
    if (originalList && patchList) {
      merged = child?.strategy === "merge" ? mergeList(originalList, patchList, child) : patchList;
    } else if (patchList) {
      merged = materialize(patchList, child) as JsonValue[];
    } else if (originalList) {
      merged = originalList;
    } else {
      continue;
    }
    delete patch[field];
    if (mergeKey === "" && merged.some((item) => isJsonObject(item))) {
      original[field] = merged;
      continue;
    }
    const { inPatch: named, serverOnly } = partition(merged, order, mergeKey);
    original[field] = normalizeElementOrder(named, serverOnly, order, originalList ?? [], mergeKey);
  }
}

type ElementKind = "map" | "primitive";

function elementKind(original: JsonValue[], patch: JsonValue[]): ElementKind {
  let seen: string | undefined;
  for (const item of [...original, ...patch]) {
    const type = goTypeName(item);
    if (type === "[]interface {}") throw PatchError.invalid("lists of lists are not supported");
    if (seen !== undefined && seen !== type) {
      throw PatchError.badRequest(`list element types are not identical: ${goFormat([original, patch])}`);
    }
    seen = type;
  }
  return seen === "map[string]interface {}" ? "map" : "primitive";
}

/** Merges a list with `patchStrategy: merge`: objects by merge key, primitives as a set. */
function mergeList(original: JsonValue[], patch: JsonValue[], meta: PatchMeta): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  if (elementKind(original, patch) === "primitive") {
    const merged = [...new Set([...original, ...patch])];
    const { inPatch, serverOnly } = partition(merged, patch, "");
    return normalizeElementOrder(inPatch, serverOnly, patch, original, "");
  }
  const mergeKey = meta.mergeKey;
  if (mergeKey === undefined)
    throw PatchError.badRequest("cannot merge lists without merge key for type map");

  let base = original;
  let replace = false;
  const items: JsonObject[] = [];
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, "$patch")) {
      items.push(item);
      continue;
    }
    const directive = item.$patch;
    if (directive === "delete") {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      base = base.filter((other) => !(isJsonObject(other) && other[mergeKey] === item[mergeKey]));
    } else if (directive === "replace") {
      replace = true;
    } else if (directive === "merge") {
      throw PatchError.badRequest("merging lists cannot yet be specified in the patch");
    } else {
      throw PatchError.badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
    }
  }
  if (replace) {
    requireMergeKey(items, mergeKey);
    return items.map((item) => mergeMap({}, item, meta));
  }

  const merged = [...base];
  for (const item of items) {
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const index = merged.findIndex((other) => isJsonObject(other) && other[mergeKey] === item[mergeKey]);
    const existing = merged[index];
    if (isJsonObject(existing)) merged[index] = mergeMap(existing, item, meta);
    else merged.push(mergeMap({}, item, meta));
  }
  const { inPatch, serverOnly } = partition(merged, items, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, items, base, mergeKey);
}
