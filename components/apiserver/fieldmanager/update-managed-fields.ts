// updateManagedFields: the managedFields bookkeeping of every non-apply write (create, update,
// patch): the writer's `Update` entry gains the fields it changed, other managers lose them, and
// removed fields leave every set. A request that rewrites managedFields itself is taken as given.
// Upstream: apiserver pkg/endpoints/handlers/fieldmanager (FieldManager.Update).

import { isJsonObject, type JsonObject, type JsonValue, jsonEqual } from "../patch/json-value.ts";
import { PatchError } from "../patch/patch-error.ts";
import type { PatchMeta } from "../patch/patch-meta.ts";
import { createdFieldsV1 } from "./created-fields.ts";
import { FieldSet } from "./field-set.ts";
import {
  entryFields,
  formatTime,
  type ManagedFieldsEntry,
  readManagedFields,
  withoutManagedFields,
  writeManagedFields,
} from "./managed-fields-entry.ts";
import { type FieldNode, fieldNodesOf } from "./object-fields.ts";
import { ownLeavesWrite } from "./own-leaves-write.ts";

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

function membersOf(nodes: Map<string, FieldNode>): FieldSet {
  const set = new FieldSet();
  for (const node of nodes.values()) if (node.member) set.add(node.path, node.key);
  return set;
}

/** Upstream's reset request: an empty list, or a list of one empty entry. */
function isReset(requested: JsonValue | undefined): boolean {
  if (!Array.isArray(requested)) return false;
  if (requested.length === 0) return true;
  const [only] = requested;
  return requested.length === 1 && isJsonObject(only) && Object.keys(only).length === 0;
}

function managedFieldsOf(obj: JsonObject | undefined): JsonValue | undefined {
  return isJsonObject(obj?.metadata) ? obj.metadata.managedFields : undefined;
}

/**
 * Returns `after` with managedFields updated for a write by `manager`. Neither input is mutated;
 * the result shares unchanged subtrees with `after`, so treat it as immutable or clone it.
 */
export function updateManagedFields(
  before: object | undefined,
  after: object,
  manager: string,
  operation: "Update",
  apiVersion: string,
  options: UpdateManagedFieldsOptions = {},
): JsonObject {
  if (!isJsonObject(after)) throw PatchError.badRequest("invalid JSON document");
  // Neither input is mutated: `next` is a shallow copy whose metadata is replaced when written.
  let next: JsonObject = { ...after };
  let prev = isJsonObject(before) ? before : undefined;
  let requested = managedFieldsOf(next);
  const live = managedFieldsOf(prev);
  if (isReset(requested)) {
    // `[]` or `[{}]` clears them (upstream isResetManagedFields); this write's own changes are
    // then recorded afresh, and a write that changes nothing else leaves none.
    next = withoutManagedFields(next);
    prev = prev === undefined ? undefined : withoutManagedFields(prev);
    requested = undefined;
  } else if (requested === undefined && live !== undefined) {
    // A write without managedFields keeps the live ones, so a client that drops them (an
    // informer's stripped copy) deletes nothing: upstream's decodeLiveOrNew.
    next = {
      ...next,
      metadata: { ...(isJsonObject(next.metadata) ? next.metadata : {}), managedFields: live },
    };
    requested = live;
  }
  if (
    prev
      ? !jsonEqual(managedFieldsOf(prev) ?? null, requested ?? null)
      : Array.isArray(requested) && requested.length > 0
  ) {
    return next;
  }
  const { meta } = options;
  if (!prev) return created(next, manager, operation, apiVersion, options);
  // Top-level fields both sides hold equal add no node to `changed` or `removed` (a field's
  // nodes depend on its value alone): a status write walks status, not spec and metadata.
  // (managedFields are equal on both sides here, and no field node counts them.)
  const views = differingFields(withoutManagedFields(prev), withoutManagedFields(next));
  if (!views) return next;
  const [beforeView, afterView] = views;
  // No field added or removed and only the writer's own leaves changed: its entry's time moves.
  const time = formatTime(options.now ?? new Date());
  const { subresource } = options;
  const writer = { manager, operation, apiVersion, subresource, time };
  const fast = ownLeavesWrite(beforeView, afterView, readManagedFields(prev), writer, meta);
  if (fast) {
    writeManagedFields(next, fast);
    return next;
  }
  const beforeNodes = fieldNodesOf(beforeView, meta);
  const afterNodes = fieldNodesOf(afterView, meta);
  const beforeSet = membersOf(beforeNodes);
  const afterSet = membersOf(afterNodes);
  const leaves = new Set(afterSet.leaves().map(FieldSet.key));
  const changed = new FieldSet();
  for (const [key, node] of afterNodes) {
    if (!node.member) continue;
    const old = beforeNodes.get(key);
    if (!old?.member || (leaves.has(key) && !jsonEqual(old.value, node.value))) changed.add(node.path, key);
  }
  // Maps the write created are members themselves (`.`), as upstream records them.
  for (const [key, node] of afterNodes) {
    const last = node.path.at(-1) ?? "";
    if (node.member || beforeNodes.has(key) || !isJsonObject(node.value)) continue;
    if (node.path.length > 0 && last.startsWith("f:") && !implicit.has(last.slice(2)))
      changed.add(node.path, key);
  }
  const removed = beforeSet.difference(afterSet);

  const entries: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const entry of readManagedFields(prev)) {
    const isMine =
      entry.manager === manager && entry.operation === operation && entry.subresource === options.subresource;
    if (isMine) {
      mine = entry;
      entries.push(entry);
      continue;
    }
    const owned = entryFields(entry);
    const fields = owned.difference(changed).difference(removed);
    if (fields.size === 0) continue;
    entries.push(fields.size === owned.size ? entry : { ...entry, fieldsV1: fields.toFieldsV1() });
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

/**
 * Copies of `a` and `b` without the top-level fields they hold equal, in their order (the
 * objects themselves when a key could not be copied as a plain property, `__proto__`), or
 * undefined when the two are equal.
 */
function differingFields(a: JsonObject, b: JsonObject): [JsonObject, JsonObject] | undefined {
  if (Object.hasOwn(a, "__proto__") || Object.hasOwn(b, "__proto__"))
    return jsonEqual(a, b) ? undefined : [a, b];
  const equal = new Set<string>();
  let keysOfA = 0;
  for (const key in a) {
    keysOfA++;
    if (Object.hasOwn(b, key) && jsonEqual(a[key], b[key])) equal.add(key);
  }
  if (equal.size === keysOfA && Object.keys(b).length === keysOfA) return undefined;
  if (equal.size === 0) return [a, b];
  const keep = (obj: JsonObject): JsonObject => {
    const out: JsonObject = {};
    for (const key in obj) if (!equal.has(key)) out[key] = obj[key] as JsonValue;
    return out;
  };
  return [keep(a), keep(b)];
}

/**
 * The same result with no previous object: no other manager's entry exists and nothing is
 * removed, so the writer's entry holds every field the object sets (createdFieldsV1).
 */
function created(
  next: JsonObject,
  manager: string,
  operation: "Update",
  apiVersion: string,
  options: UpdateManagedFieldsOptions,
): JsonObject {
  const fieldsV1 = createdFieldsV1(next, options.meta);
  if (!fieldsV1) {
    writeManagedFields(next, []);
    return next;
  }
  const entry: ManagedFieldsEntry = {
    manager,
    operation,
    apiVersion,
    time: formatTime(options.now ?? new Date()),
    fieldsType: "FieldsV1",
    fieldsV1,
  };
  if (options.subresource !== undefined) entry.subresource = options.subresource;
  writeManagedFields(next, [entry]);
  return next;
}
