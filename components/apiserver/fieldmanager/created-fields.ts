// createdFieldsV1: the FieldsV1 a manager owns after creating an object, built in one walk. It is
// what updateManagedFields computes with no previous object (every member of fieldNodesOf plus the
// maps the write created), without the FieldSet algebra; object-fields.ts holds the rules. The
// result is built directly (no intermediate tree): it runs on every create.

import { isJsonObject, type JsonObject, type JsonValue } from "../patch/json-value.ts";
import { fieldMeta, listKind, type PatchMeta } from "../patch/patch-meta.ts";
import { itemElement } from "./field-path.ts";
import { unmanagedMetadata, unmanagedRoot } from "./object-fields.ts";

/** Struct-like fields that exist implicitly in Go: never members of their own (as in updateManagedFields). */
const implicit = new Set([
  "metadata",
  "spec",
  "status",
  "template",
  "jobTemplate",
  "strategy",
  "updateStrategy",
]);

/** The FieldsV1 of every field `obj` sets, or undefined when it sets none. */
export function createdFieldsV1(obj: JsonObject, meta: PatchMeta | undefined): JsonObject | undefined {
  const children: Child[] = [];
  for (const name in obj) {
    const value = obj[name] as JsonValue;
    if (value === null || unmanagedRoot.has(name)) continue;
    const child = fieldMeta(meta, name);
    const fields =
      name === "metadata" && isJsonObject(value)
        ? node(false, objectChildren(value, child, unmanagedMetadata))
        : valueFields(value, child, name);
    if (fields) children.push([fieldElement(name), fields]);
  }
  return node(false, children);
}

/**
 * `f:<name>`, one string per field name (at most 4096 kept): the same flat string each time
 * sorts and becomes a property key faster than a fresh concatenation.
 */
const fieldElements = new Map<string, string>();
function fieldElement(name: string): string {
  let element = fieldElements.get(name);
  if (element === undefined) {
    element = `f:${name}`;
    if (fieldElements.size < 4096) fieldElements.set(name, element);
  }
  return element;
}

/** A path element with the FieldsV1 below it. */
type Child = [string, JsonObject];

/**
 * FieldsV1 of a node: `{}` for a member without children, else `.` (when a member) and the
 * children sorted by element text, as FieldSet.toFieldsV1; undefined: nothing owned there.
 */
function node(member: boolean, children: Child[]): JsonObject | undefined {
  if (children.length === 0) return member ? {} : undefined;
  if (children.length > 1) sortChildren(children);
  const out: JsonObject = {};
  if (member) out["."] = {};
  for (const [element, fields] of children) out[element] = fields;
  return out;
}

function objectChildren(obj: JsonObject, meta: PatchMeta | undefined, skip?: ReadonlySet<string>): Child[] {
  const children: Child[] = [];
  for (const name in obj) {
    const value = obj[name] as JsonValue;
    if (value === null || skip?.has(name)) continue;
    const fields = valueFields(value, fieldMeta(meta, name), name);
    if (fields) children.push([fieldElement(name), fields]);
  }
  return children;
}

/** The FieldsV1 below field `name` holding `value`. */
function valueFields(value: JsonValue, meta: PatchMeta | undefined, name: string): JsonObject | undefined {
  if (isJsonObject(value)) {
    if (meta?.atomic || isEmpty(value)) return {};
    // A map the write created is a member itself (`.`), unless Go has it implicitly.
    return node(!implicit.has(name), objectChildren(value, meta));
  }
  if (!Array.isArray(value)) return {};
  const kind = listKind(meta);
  if (kind.type === "atomic" || value.length === 0) return {};
  const elements: string[] = [];
  for (let index = 0; index < value.length; index++) {
    const element = itemElement(value[index] as JsonValue, index, meta);
    if (element.startsWith("i:")) return {};
    elements.push(element);
  }
  const items: Child[] = [];
  let repeats = false;
  for (let index = 0; index < value.length; index++) {
    const item = value[index] as JsonValue;
    const element = elements[index] as string;
    const fields = kind.type === "map" && isJsonObject(item) ? node(true, objectChildren(item, meta)) : {};
    if (!repeats && elements.indexOf(element) !== index) repeats = true;
    items.push([element, fields ?? {}]);
  }
  return node(false, repeats ? mergeRepeated(items) : items);
}

/** Items of a list that share an element (two entries with one key) are one node, merged. */
function mergeRepeated(items: Child[]): Child[] {
  const merged = new Map<string, JsonObject>();
  for (const [element, fields] of items) {
    const seen = merged.get(element);
    merged.set(element, seen ? merge(seen, fields) : fields);
  }
  return [...merged];
}

/** Two FieldsV1 trees of one node as one: a member in either, the union of their children. */
function merge(a: JsonObject, b: JsonObject): JsonObject {
  const member = isEmpty(a) || isEmpty(b) || "." in a || "." in b;
  const children = new Map<string, JsonObject>();
  for (const tree of [a, b])
    for (const [element, fields] of Object.entries(tree)) {
      if (element === ".") continue;
      const seen = children.get(element);
      children.set(element, seen ? merge(seen, fields as JsonObject) : (fields as JsonObject));
    }
  return node(member, [...children]) ?? {};
}

function isEmpty(obj: JsonObject): boolean {
  for (const _ in obj) return false;
  return true;
}

/**
 * By element text, as FieldSet.toFieldsV1 (children never are ".", which is placed first above):
 * an insertion sort for the few children most objects have (Array.prototype.sort with a
 * comparator was 2% of a pod create's profile).
 */
function sortChildren(children: Child[]): void {
  if (children.length > 24) {
    children.sort(byElement);
    return;
  }
  for (let i = 1; i < children.length; i++) {
    const child = children[i] as Child;
    let j = i - 1;
    for (; j >= 0 && (children[j] as Child)[0] > child[0]; j--) children[j + 1] = children[j] as Child;
    children[j + 1] = child;
  }
}

function byElement(a: Child, b: Child): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
