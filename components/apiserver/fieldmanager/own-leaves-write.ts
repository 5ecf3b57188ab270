// The exact fast path of updateManagedFields for a write that adds and removes no field and
// changes only leaves its own entry owns alone (a Lease renewal, a kubelet status update): the
// entries stay, the writer's gets the new time (upstream's managedFieldsUpdater bumps only that).

import { isJsonObject, type JsonObject, type JsonValue, jsonEqual } from "../patch/json-value.ts";
import { fieldMeta, listKind, type PatchMeta } from "../patch/patch-meta.ts";
import { itemElement } from "./field-path.ts";
import { entryFields, type ManagedFieldsEntry } from "./managed-fields-entry.ts";
import { unmanagedMetadata, unmanagedRoot } from "./object-fields.ts";

/** What updateManagedFields knows of the writer. */
export interface OwnLeavesWriter {
  manager: string;
  operation: "Update";
  apiVersion: string;
  subresource: string | undefined;
  time: string;
}

/** Signals a difference in the field tree's shape: the full path must decide. */
const SHAPE = Symbol("shape");

/**
 * The managedFields entries after the write, or undefined when the write does not qualify (then
 * the full computation gives the answer). `before`/`after` are the objects (or their differing
 * top-level fields) without a difference in managedFields; `entries` are before's, as read.
 */
export function ownLeavesWrite(
  before: JsonObject,
  after: JsonObject,
  entries: readonly ManagedFieldsEntry[],
  writer: OwnLeavesWriter,
  meta: PatchMeta | undefined,
): ManagedFieldsEntry[] | undefined {
  const changed: string[][] = [];
  try {
    walkRoot(before, after, meta, changed);
  } catch (error) {
    if (error === SHAPE) return undefined;
    throw error;
  }
  let mine: ManagedFieldsEntry | undefined;
  for (const entry of entries) {
    const isMine =
      entry.manager === writer.manager &&
      entry.operation === writer.operation &&
      entry.subresource === writer.subresource;
    if (isMine) mine = entry;
    // An entry that owns nothing is dropped by the full path.
    if (!hasMember(entry.fieldsV1)) return undefined;
    for (const path of changed) if (isMember(entry.fieldsV1, path) !== isMine) return undefined;
  }
  if (changed.length === 0) return [...entries];
  if (!mine) return undefined;
  const fieldsV1 = isCanonical(mine.fieldsV1, true) ? mine.fieldsV1 : entryFields(mine).toFieldsV1();
  const updated: ManagedFieldsEntry = {
    manager: writer.manager,
    operation: writer.operation,
    apiVersion: writer.apiVersion,
    time: writer.time,
    fieldsType: "FieldsV1",
    fieldsV1,
  };
  if (writer.subresource !== undefined) updated.subresource = writer.subresource;
  return entries.map((entry) => (entry === mine ? updated : entry));
}

function walkRoot(a: JsonObject, b: JsonObject, meta: PatchMeta | undefined, changed: string[][]): void {
  const path: string[] = [];
  let count = 0;
  for (const name in a) {
    if (!Object.hasOwn(a, name)) continue;
    const value = a[name] as JsonValue;
    if (value === null || unmanagedRoot.has(name)) continue;
    count++;
    const other = Object.hasOwn(b, name) ? (b[name] as JsonValue) : null;
    if (other === null) throw SHAPE;
    const child = fieldMeta(meta, name);
    path.push(`f:${name}`);
    if (name === "metadata" && isJsonObject(value)) {
      if (!isJsonObject(other)) throw SHAPE;
      walkObject(value, other, child, path, changed, unmanagedMetadata);
    } else {
      walkValue(value, other, child, path, changed);
    }
    path.pop();
  }
  for (const name in b) {
    if (Object.hasOwn(b, name) && b[name] !== null && !unmanagedRoot.has(name)) count--;
  }
  if (count !== 0) throw SHAPE;
}

/** Walks both objects' fields; returns how many members lie under them. */
function walkObject(
  a: JsonObject,
  b: JsonObject,
  meta: PatchMeta | undefined,
  path: string[],
  changed: string[][],
  skip?: ReadonlySet<string>,
): number {
  let count = 0;
  let members = 0;
  for (const name in a) {
    if (!Object.hasOwn(a, name)) continue;
    const value = a[name] as JsonValue;
    if (value === null || skip?.has(name)) continue;
    count++;
    const other = Object.hasOwn(b, name) ? (b[name] as JsonValue) : null;
    if (other === null) throw SHAPE;
    path.push(`f:${name}`);
    members += walkValue(value, other, fieldMeta(meta, name), path, changed);
    path.pop();
  }
  for (const name in b) if (Object.hasOwn(b, name) && b[name] !== null && !skip?.has(name)) count--;
  if (count !== 0) throw SHAPE;
  return members;
}

/** Walks one non-null value on both sides; returns how many members it and its children hold. */
function walkValue(
  a: JsonValue,
  b: JsonValue,
  meta: PatchMeta | undefined,
  path: string[],
  changed: string[][],
): number {
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) throw SHAPE;
    const leafA = meta?.atomic === true || isEmpty(a);
    if (leafA !== (meta?.atomic === true || isEmpty(b))) throw SHAPE;
    if (leafA) return leaf(a, b, path, changed);
    return walkObject(a, b, meta, path, changed);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) throw SHAPE;
    const kind = listKind(meta);
    const elementsA = kind.type === "atomic" || a.length === 0 ? undefined : itemElements(a, meta);
    const elementsB = kind.type === "atomic" || b.length === 0 ? undefined : itemElements(b, meta);
    if ((elementsA === undefined) !== (elementsB === undefined)) throw SHAPE;
    if (elementsA === undefined || elementsB === undefined) return leaf(a, b, path, changed);
    if (elementsA.length !== elementsB.length || new Set(elementsA).size !== elementsA.length) throw SHAPE;
    let members = 0;
    for (let index = 0; index < elementsA.length; index++) {
      const element = elementsA[index] as string;
      if (element !== elementsB[index]) throw SHAPE;
      const itemA = a[index] as JsonValue;
      const itemB = b[index] as JsonValue;
      path.push(element);
      members++;
      if (kind.type === "map" && isJsonObject(itemA)) {
        if (!isJsonObject(itemB)) throw SHAPE;
        // An item with no member under it is itself a leaf.
        const under = walkObject(itemA, itemB, meta, path, changed);
        if (under === 0 && !jsonEqual(itemA, itemB)) changed.push([...path]);
        members += under;
      } else if (kind.type === "map" && isJsonObject(itemB)) {
        throw SHAPE;
      } else if (!jsonEqual(itemA, itemB)) {
        changed.push([...path]);
      }
      path.pop();
    }
    return members;
  }
  if (isJsonObject(b) || Array.isArray(b)) throw SHAPE;
  return leaf(a, b, path, changed);
}

function leaf(a: JsonValue, b: JsonValue, path: string[], changed: string[][]): number {
  if (!jsonEqual(a, b)) changed.push([...path]);
  return 1;
}

function isEmpty(obj: JsonObject): boolean {
  for (const key in obj) if (Object.hasOwn(obj, key)) return false;
  return true;
}

/** The items' path elements, or undefined when the list is atomic (an item without a key). */
function itemElements(list: JsonValue[], meta: PatchMeta | undefined): string[] | undefined {
  const elements: string[] = [];
  for (let index = 0; index < list.length; index++) {
    const element = itemElement(list[index] as JsonValue, index, meta);
    if (element.startsWith("i:")) return undefined;
    elements.push(element);
  }
  return elements;
}

/** FieldSet.fromFieldsV1 membership of one path, without building the set. */
function isMember(fields: JsonObject, path: readonly string[]): boolean {
  let node: JsonValue | undefined = fields;
  for (const element of path) {
    if (!isJsonObject(node) || !Object.hasOwn(node, element)) return false;
    node = node[element];
  }
  return isJsonObject(node) && (isEmpty(node) || Object.hasOwn(node, "."));
}

/** True if FieldSet.fromFieldsV1 of the tree has a member. */
function hasMember(node: JsonObject, root = true): boolean {
  let empty = true;
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    empty = false;
    if (key === ".") return true;
    const child = node[key];
    if (isJsonObject(child) && hasMember(child, false)) return true;
  }
  return empty && !root;
}

/** True if the tree is exactly what FieldSet.toFieldsV1 writes for its own members. */
function isCanonical(node: JsonObject, root: boolean): boolean {
  const keys = Object.keys(node);
  let previous: string | undefined;
  for (const [index, key] of keys.entries()) {
    const child = node[key];
    if (!isJsonObject(child)) return false;
    if (key === ".") {
      if (root || index !== 0 || keys.length === 1 || !isEmpty(child)) return false;
      continue;
    }
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    if (!isEmpty(child) && !isCanonical(child, false)) return false;
  }
  return true;
}
