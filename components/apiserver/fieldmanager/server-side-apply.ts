// Server-side apply (application/apply-patch+yaml) at the fidelity kubectl needs: the applied
// config is merged like a strategic merge patch, the manager's fields are recorded in
// managedFields, fields owned by other managers with other values conflict (unless forced), and
// fields the manager stopped applying are removed when nobody else owns them.
// Upstream: apiserver pkg/endpoints/handlers/fieldmanager, sigs.k8s.io/structured-merge-diff.

import { cloneJson, isJsonObject, type JsonObject, jsonEqual } from "../patch/json-value.ts";
import { PatchError } from "../patch/patch-error.ts";
import type { PatchMeta } from "../patch/patch-meta.ts";
import { applyStrategicMergePatch } from "../patch/strategic-merge-patch.ts";
import type { ApplyConflict } from "./apply-conflict-error.ts";
import { type FieldPath, pathString, removeAt, valueAt } from "./field-path.ts";
import { FieldSet } from "./field-set.ts";
import { lastAppliedAllows, syncLastApplied, UPGRADING_MANAGER } from "./last-applied.ts";
import {
  entryFields,
  formatTime,
  type ManagedFieldsEntry,
  readManagedFields,
  withoutManagedFields,
  writeManagedFields,
} from "./managed-fields-entry.ts";
import { fieldSetOf } from "./object-fields.ts";

export interface ServerSideApplyResult {
  /** The object to store; with unforced conflicts, the existing object unchanged. */
  object: JsonObject;
  /** Fields other managers own with other values; empty when forced or when there are none. */
  conflicts: ApplyConflict[];
}

export interface ServerSideApplyOptions {
  /** The time recorded in the manager's entry; defaults to now. */
  now?: Date;
}

/**
 * Applies `applied` for `manager`. Neither input is mutated; the result may share unchanged
 * subtrees (e.g. other managers' FieldsV1) with them, so treat it as immutable or clone it.
 */
export function applyServerSide(
  existing: object | undefined,
  applied: object,
  meta: PatchMeta | undefined,
  manager: string,
  force: boolean,
  options: ServerSideApplyOptions = {},
): ServerSideApplyResult {
  if (!isJsonObject(applied)) throw PatchError.badRequest("apply patch must be an object");
  const config = withoutManagedFields(applied);
  const applySet = fieldSetOf(config, meta);
  const entry: ManagedFieldsEntry = {
    manager,
    operation: "Apply",
    apiVersion: typeof config.apiVersion === "string" ? config.apiVersion : "",
    time: formatTime(options.now ?? new Date()),
    fieldsType: "FieldsV1",
    fieldsV1: applySet.toFieldsV1(),
  };

  if (existing === undefined) {
    const object = applyStrategicMergePatch({}, config, meta) as JsonObject;
    writeManagedFields(object, applySet.size > 0 ? [entry] : []);
    return { object, conflicts: [] };
  }
  if (!isJsonObject(existing)) throw PatchError.badRequest("invalid JSON document");

  const live = existing;
  const entries = readManagedFields(live);
  const mine = entries.find((e) => e.manager === manager && e.operation === "Apply" && !e.subresource);
  const appliedLeaves = new FieldSet(applySet.leaves());

  const conflicts: ApplyConflict[] = [];
  const conflictPaths: FieldPath[] = [];
  const taken = new Map<ManagedFieldsEntry, FieldSet>();
  for (const other of entries) {
    if (other === mine) continue;
    const lost = entryFields(other)
      .intersection(appliedLeaves)
      .paths()
      .filter((path) => !jsonEqual(valueAt(live, path, meta), valueAt(config, path, meta)));
    if (lost.length === 0) continue;
    taken.set(other, new FieldSet(lost));
    for (const path of lost) {
      conflictPaths.push(path);
      conflicts.push({
        manager: other.manager,
        field: pathString(path),
        operation: other.operation,
        apiVersion: other.apiVersion,
        ...(other.subresource ? { subresource: other.subresource } : {}),
      });
    }
  }
  if (conflicts.length > 0 && !force) {
    // kubectl's first server-side apply of a client-side applied object: conflicts over what
    // the last-applied annotation still says are not conflicts (upstream's lastAppliedManager).
    const allows =
      manager === UPGRADING_MANAGER ? lastAppliedAllows(live, entry.apiVersion, meta) : undefined;
    const standing = allows ? conflicts.filter((_, i) => !allows(conflictPaths[i] ?? [])) : conflicts;
    if (standing.length > 0) return { object: cloneJson(live), conflicts: standing };
  }

  const merged = applyStrategicMergePatch(withoutManagedFields(live), config, meta) as JsonObject;

  const kept: ManagedFieldsEntry[] = [];
  let others = new FieldSet();
  for (const other of entries) {
    if (other === mine) {
      kept.push(entry);
      continue;
    }
    const lost = taken.get(other);
    const fields = lost ? entryFields(other).difference(lost) : entryFields(other);
    if (fields.size === 0) continue;
    others = others.union(fields);
    kept.push(lost ? { ...other, fieldsV1: fields.toFieldsV1() } : other);
  }
  if (!mine) kept.push(entry);

  // Fields this manager applied before and no longer applies go, unless someone else owns them.
  const owned = applySet.union(others);
  const dropped = (mine ? entryFields(mine) : new FieldSet())
    .difference(applySet)
    .paths()
    .filter((path) => !owned.hasPrefix(path));
  // A dropped list item takes its fields with it; removing those first would lose its key.
  const outermost = dropped.filter(
    (path) => !dropped.some((other) => other.length < path.length && other.every((e, i) => path[i] === e)),
  );
  for (const path of outermost) removeAt(merged, path, meta);

  if (manager === UPGRADING_MANAGER) syncLastApplied(merged, config);

  // A no-op apply keeps the old timestamp, so the stored object does not change at all
  // (upstream's IgnoreManagedFieldsTimestampsTransformer).
  if (
    mine &&
    mine.apiVersion === entry.apiVersion &&
    jsonEqual(mine.fieldsV1, entry.fieldsV1) &&
    jsonEqual(withoutManagedFields(merged), withoutManagedFields(live))
  ) {
    entry.time = mine.time;
  }
  writeManagedFields(
    merged,
    kept.filter((e) => e !== entry || applySet.size > 0),
  );
  return { object: merged, conflicts: [] };
}
