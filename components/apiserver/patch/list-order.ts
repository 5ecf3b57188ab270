// The item order of a merged list in strategic merge patch: items named by the patch (or by
// `$setElementOrder`) keep the patch's relative order, server-only items keep the live order,
// and the two are interleaved by live position (apimachinery strategicpatch normalizeElementOrder).

import { goFormat, goTypeName } from "./go-format.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";
import { PatchError } from "./patch-error.ts";

/** An object list item's merge key value, or the primitive item itself when there is no key. */
function identity(item: JsonValue, mergeKey: string): JsonValue | undefined {
  if (mergeKey === "") return item;
  return isJsonObject(item) ? item[mergeKey] : undefined;
}

function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string): number {
  const id = identity(item, mergeKey);
  return list.findIndex((other) => identity(other, mergeKey) === id);
}

export function noMergeKey(item: JsonObject, mergeKey: string): PatchError {
  return PatchError.badRequest(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}

export function requireMergeKey(items: readonly JsonValue[], mergeKey: string): void {
  for (const item of items) {
    if (!isJsonObject(item)) {
      throw PatchError.badRequest(`expected a map[string]interface {}, but received a ${goTypeName(item)}`);
    }
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  }
}

/** Splits `merged` into the items present in `by` (by merge key) and the others. */
export function partition(
  merged: readonly JsonValue[],
  by: readonly JsonValue[],
  mergeKey: string,
): { inPatch: JsonValue[]; serverOnly: JsonValue[] } {
  if (mergeKey !== "") requireMergeKey(merged, mergeKey);
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const item of merged) (indexIn(by, item, mergeKey) >= 0 ? inPatch : serverOnly).push(item);
  return { inPatch, serverOnly };
}

function sortByOrder(items: JsonValue[], order: readonly JsonValue[], mergeKey: string): JsonValue[] {
  const ranked = items.map((item) => ({ item, rank: indexIn(order, item, mergeKey) }));
  ranked.sort((a, b) => (a.rank >= 0 && b.rank >= 0 ? a.rank - b.rank : 0));
  return ranked.map(({ item }) => item);
}

/**
 * Orders patch items by `patchOrder` and server-only items by `serverOrder`, then inserts the
 * server-only items among the patch items where the live list had them.
 */
export function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
): JsonValue[] {
  if (mergeKey !== "") {
    requireMergeKey(patchItems, mergeKey);
    requireMergeKey(patchOrder, mergeKey);
    requireMergeKey(serverOnly, mergeKey);
    requireMergeKey(serverOrder, mergeKey);
  }
  const right = sortByOrder(patchItems, patchOrder, mergeKey);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const result: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = left[i];
    const r = right[j];
    if (l === undefined) {
      result.push(right[j++] as JsonValue);
    } else if (r === undefined) {
      result.push(left[i++] as JsonValue);
    } else {
      const li = indexIn(serverOrder, l, mergeKey);
      const ri = indexIn(serverOrder, r, mergeKey);
      result.push(li >= 0 && ri >= 0 && li < ri ? (left[i++] as JsonValue) : (right[j++] as JsonValue));
    }
  }
  return result;
}

/**
 * Checks that the patch list names its items in the relative order of `$setElementOrder`
 * (validatePatchWithSetOrderList); `$patch` items are ignored.
 */
export function validateSetElementOrder(
  patchList: readonly JsonValue[],
  order: readonly JsonValue[],
  mergeKey: string,
): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = patchList.filter((item) => !(isJsonObject(item) && item.$patch === "delete"));
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p] as JsonValue;
    if (isJsonObject(item) && Object.hasOwn(item, "$patch")) {
      p++;
      continue;
    }
    if (mergeKey !== "") requireMergeKey([item, order[s] as JsonValue], mergeKey);
    if (identity(item, mergeKey) === identity(order[s] as JsonValue, mergeKey)) p++;
    s++;
  }
  if (p < items.length) {
    throw PatchError.badRequest(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`,
    );
  }
}
