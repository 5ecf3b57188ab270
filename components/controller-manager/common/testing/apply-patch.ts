// Patches for the fake API server: a JSON merge patch (RFC 7386), with the one strategic-merge
// rule controllers rely on — lists of ownerReferences merge by uid and honour `$patch: delete`
// (upstream apimachinery strategicpatch, patchMergeKey "uid").

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function applyPatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (key === "ownerReferences" && Array.isArray(value)) result[key] = mergeByUid(result[key], value);
    else result[key] = applyPatch(result[key], value) as Json;
  }
  return result;
}

function mergeByUid(current: Json | undefined, patch: Json[]): Json[] {
  const list = Array.isArray(current) ? [...current] : [];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = list.findIndex((r) => isObject(r) && r.uid === item.uid);
    if (item.$patch === "delete") {
      if (index >= 0) list.splice(index, 1);
    } else if (index >= 0) list[index] = applyPatch(list[index], item) as Json;
    else list.push(item);
  }
  return list;
}
