// JSON Merge Patch (RFC 7386, application/merge-patch+json), as evanphx/json-patch's
// MergePatch applies it in kube-apiserver: objects merge recursively, null deletes a member,
// anything else (lists included) replaces.

import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";

/** Applies an RFC 7386 merge patch to a copy of `obj`. A non-object patch replaces the document. */
export function applyMergePatch(obj: unknown, patch: unknown): unknown {
  return merge(cloneJson(obj) as JsonValue, patch as JsonValue);
}

function merge(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return pruneNulls(cloneJson(patch));
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      const current = Object.hasOwn(result, key) ? result[key] : undefined;
      result[key] = merge(current === undefined ? null : current, value);
    }
  }
  return result;
}

/** Nulls inside a value that is copied in whole mean nothing (RFC 7386 section 2). */
function pruneNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(pruneNulls);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) result[key] = pruneNulls(item);
  }
  return result;
}
