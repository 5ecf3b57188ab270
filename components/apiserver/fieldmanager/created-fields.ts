// createdFieldsV1: the FieldsV1 a manager owns after creating an object, built in one walk. It is
// what updateManagedFields computes with no previous object (every member of fieldNodesOf plus the
// maps the write created), without the FieldSet algebra; object-fields.ts holds the rules.

import { isJsonObject, type JsonObject, type JsonValue } from "../patch/json-value.ts";
import { fieldMeta, listKind, type PatchMeta } from "../patch/patch-meta.ts";
import { itemElement } from "./field-path.ts";

interface TreeNode {
  member: boolean;
  children: Map<string, TreeNode>;
}

// The same sets as object-fields.ts and update-managed-fields.ts.
const unmanagedRoot = new Set(["apiVersion", "kind"]);
const unmanagedMetadata = new Set([
  "name",
  "namespace",
  "creationTimestamp",
  "selfLink",
  "uid",
  "clusterName",
  "generation",
  "managedFields",
  "resourceVersion",
]);
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
  const root = newNode(false);
  for (const [name, value] of Object.entries(obj)) {
    if (value === null || unmanagedRoot.has(name)) continue;
    const child = fieldMeta(meta, name);
    if (name === "metadata" && isJsonObject(value)) {
      walkObject(value, child, record(root, "f:metadata", false), unmanagedMetadata);
    } else {
      walkValue(value, child, root, `f:${name}`);
    }
  }
  return finish(root);
}

function newNode(member: boolean): TreeNode {
  return { member, children: new Map() };
}

function record(parent: TreeNode, element: string, member: boolean): TreeNode {
  const existing = parent.children.get(element);
  if (existing) {
    existing.member ||= member;
    return existing;
  }
  const node = newNode(member);
  parent.children.set(element, node);
  return node;
}

function walkObject(
  obj: JsonObject,
  meta: PatchMeta | undefined,
  parent: TreeNode,
  skip?: ReadonlySet<string>,
): void {
  for (const [name, value] of Object.entries(obj)) {
    if (value !== null && !skip?.has(name)) walkValue(value, fieldMeta(meta, name), parent, `f:${name}`);
  }
}

function walkValue(value: JsonValue, meta: PatchMeta | undefined, parent: TreeNode, element: string): void {
  if (isJsonObject(value)) {
    if (meta?.atomic || Object.keys(value).length === 0) {
      record(parent, element, true);
    } else {
      // A map the write created is a member itself (`.`), unless Go has it implicitly.
      const created = element.startsWith("f:") && !implicit.has(element.slice(2));
      walkObject(value, meta, record(parent, element, created));
    }
    return;
  }
  if (!Array.isArray(value)) {
    record(parent, element, true);
    return;
  }
  const kind = listKind(meta);
  const elements = value.map((item, index) => itemElement(item, index, meta));
  if (kind.type === "atomic" || value.length === 0 || elements.some((e) => e.startsWith("i:"))) {
    record(parent, element, true);
    return;
  }
  const list = record(parent, element, false);
  value.forEach((item, index) => {
    const node = record(list, elements[index] as string, true);
    if (kind.type === "map" && isJsonObject(item)) walkObject(item, meta, node);
  });
}

/** FieldsV1 of a node: `.` for a member with children, children sorted; nothing without members. */
function finish(node: TreeNode): JsonObject | undefined {
  const result: JsonObject = {};
  const keys = [...node.children.keys()].sort(compareElements);
  let any = false;
  for (const key of keys) {
    const child = finish(node.children.get(key) as TreeNode);
    if (child === undefined) continue;
    if (!any && node.member) result["."] = {};
    any = true;
    result[key] = child;
  }
  if (any) return result;
  return node.member ? {} : undefined;
}

/** By element text, as FieldSet.toFieldsV1 (children never are ".", which is placed first above). */
function compareElements(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
