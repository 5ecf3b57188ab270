// updateManagedFields: the managedFields bookkeeping of every non-apply write (create, update,
// patch): the writer's `Update` entry gains the fields it changed, other managers lose them, and
// removed fields leave every set. A request that rewrites managedFields itself is taken as given.
// Upstream: apiserver pkg/endpoints/handlers/fieldmanager (FieldManager.Update).

import { type FieldPath, valueAt } from "./field-path.ts";
import { FieldSet } from "./field-set.ts";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue, jsonEqual } from "./json-value.ts";
import {
  entryFields,
  formatTime,
  type ManagedFieldsEntry,
  readManagedFields,
  writeManagedFields,
} from "./managed-fields-entry.ts";
import { fieldSetOf } from "./object-fields.ts";
import type { PatchMeta } from "./patch-meta.ts";

export interface UpdateManagedFieldsOptions {
  /** The kind's patch meta, so keyed lists are tracked per item; without it lists are atomic. */
  meta?: PatchMeta;
  /** The time recorded when the writer's entry changes; defaults to now. */
  now?: Date;
  /** The subresource written, e.g. "status" or "scale". */
  subresource?: string;
}

/** Struct-like fields that exist implicitly in Go; upstream gives them no `.` member of their own. */
const implicit = new Set([
  "metadata",
  "spec",
  "status",
  "template",
  "jobTemplate",
  "strategy",
  "updateStrategy",
]);

function managedFieldsOf(obj: JsonObject | undefined): JsonValue | undefined {
  return isJsonObject(obj?.metadata) ? obj.metadata.managedFields : undefined;
}

export function updateManagedFields(
  before: object | undefined,
  after: object,
  manager: string,
  operation: "Update",
  apiVersion: string,
  options: UpdateManagedFieldsOptions = {},
): JsonObject {
  const next = cloneJson(after) as JsonObject;
  const prev = before === undefined ? undefined : (cloneJson(before) as JsonObject);
  const requested = managedFieldsOf(next);
  if (
    prev
      ? !jsonEqual(managedFieldsOf(prev) ?? null, requested ?? null)
      : Array.isArray(requested) && requested.length > 0
  ) {
    return next;
  }
  const { meta } = options;
  const beforeSet = prev ? fieldSetOf(prev, meta) : new FieldSet();
  const afterSet = fieldSetOf(next, meta);
  const afterPaths = afterSet.paths();
  const isLeaf = (path: FieldPath) =>
    !afterPaths.some((other) => other.length > path.length && path.every((e, i) => other[i] === e));
  const changed = new FieldSet(
    afterPaths.filter(
      (path) =>
        !beforeSet.has(path) ||
        (isLeaf(path) && !jsonEqual(prev && valueAt(prev, path, meta), valueAt(next, path, meta))),
    ),
  );
  for (const path of changed.paths()) {
    for (let length = 1; length < path.length; length++) {
      const prefix = path.slice(0, length);
      const last = prefix.at(-1) ?? "";
      if (!last.startsWith("f:") || implicit.has(last.slice(2))) continue;
      if (prev && valueAt(prev, prefix, meta) !== undefined) continue;
      if (isJsonObject(valueAt(next, prefix, meta))) changed.add(prefix);
    }
  }
  const removed = beforeSet.difference(afterSet);

  const entries: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const entry of readManagedFields(prev ?? next)) {
    const isMine =
      entry.manager === manager && entry.operation === operation && entry.subresource === options.subresource;
    if (isMine) {
      mine = entry;
      entries.push(entry);
      continue;
    }
    const fields = entryFields(entry).difference(changed).difference(removed);
    if (fields.size === 0) continue;
    entries.push(
      fields.size === entryFields(entry).size ? entry : { ...entry, fieldsV1: fields.toFieldsV1() },
    );
  }

  const previous = mine ? entryFields(mine) : new FieldSet();
  const fields = previous.union(changed).difference(removed);
  const updated: ManagedFieldsEntry = {
    manager,
    operation,
    apiVersion,
    time: formatTime(options.now ?? new Date()),
    fieldsType: "FieldsV1",
    fieldsV1: fields.toFieldsV1(),
  };
  if (options.subresource !== undefined) updated.subresource = options.subresource;
  const result = entries.flatMap((entry) => {
    if (entry !== mine) return [entry];
    if (fields.size === 0) return [];
    return [changed.size > 0 || fields.size !== previous.size ? updated : entry];
  });
  if (!mine && fields.size > 0) result.push(updated);
  writeManagedFields(next, result);
  return next;
}
