// fieldSetOf: the fields an object sets, as server-side apply counts them: leaves, atomic lists
// and objects, list-map items by key and set items by value. apiVersion, kind and the
// server-owned metadata are never managed (upstream fieldmanager/internal/stripmeta.go).

import { isJsonObject, type JsonObject, type JsonValue } from "../patch/json-value.ts";
import { fieldMeta, listKind, type PatchMeta } from "../patch/patch-meta.ts";
import { type FieldPath, itemElement } from "./field-path.ts";
import { FieldSet } from "./field-set.ts";

/** One node of an object's field tree; `member` nodes are what a manager can own. */
export interface FieldNode {
  path: FieldPath;
  key: string;
  value: JsonValue;
  member: boolean;
}

/** Never managed: apiVersion and kind at the root, the server's own metadata (stripmeta.go). */
export const unmanagedRoot: ReadonlySet<string> = new Set(["apiVersion", "kind"]);
export const unmanagedMetadata: ReadonlySet<string> = new Set([
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

/** Every node of the object's field tree, by FieldSet.key of its path. */
export function fieldNodesOf(obj: JsonObject, meta: PatchMeta | undefined): Map<string, FieldNode> {
  const nodes = new Map<string, FieldNode>();
  const root: FieldNode = { path: [], key: "", value: obj, member: false };
  for (const [name, value] of Object.entries(obj)) {
    if (value === null || unmanagedRoot.has(name)) continue;
    const child = fieldMeta(meta, name);
    if (name === "metadata" && isJsonObject(value)) {
      const node = record(nodes, root, `f:${name}`, value, false);
      walkObject(value, child, node, nodes, unmanagedMetadata);
    } else {
      walkValue(value, child, root, `f:${name}`, nodes);
    }
  }
  return nodes;
}

export function fieldSetOf(obj: JsonObject, meta: PatchMeta | undefined): FieldSet {
  const set = new FieldSet();
  for (const node of fieldNodesOf(obj, meta).values()) if (node.member) set.add(node.path, node.key);
  return set;
}

function record(
  nodes: Map<string, FieldNode>,
  parent: FieldNode,
  element: string,
  value: JsonValue,
  member: boolean,
): FieldNode {
  const path = [...parent.path, element];
  const key = FieldSet.childKey(parent.key, element);
  const node = { path, key, value, member };
  nodes.set(key, node);
  return node;
}

function walkObject(
  obj: JsonObject,
  meta: PatchMeta | undefined,
  parent: FieldNode,
  nodes: Map<string, FieldNode>,
  skip?: ReadonlySet<string>,
): void {
  for (const [name, value] of Object.entries(obj)) {
    if (value !== null && !skip?.has(name))
      walkValue(value, fieldMeta(meta, name), parent, `f:${name}`, nodes);
  }
}

function walkValue(
  value: JsonValue,
  meta: PatchMeta | undefined,
  parent: FieldNode,
  element: string,
  nodes: Map<string, FieldNode>,
): void {
  if (isJsonObject(value)) {
    if (meta?.atomic || Object.keys(value).length === 0) {
      record(nodes, parent, element, value, true);
    } else {
      walkObject(value, meta, record(nodes, parent, element, value, false), nodes);
    }
    return;
  }
  if (!Array.isArray(value)) {
    record(nodes, parent, element, value, true);
    return;
  }
  const kind = listKind(meta);
  const elements = value.map((item, index) => itemElement(item, index, meta));
  if (kind.type === "atomic" || value.length === 0 || elements.some((e) => e.startsWith("i:"))) {
    record(nodes, parent, element, value, true);
    return;
  }
  const list = record(nodes, parent, element, value, false);
  value.forEach((item, index) => {
    const node = record(nodes, list, elements[index] as string, item, true);
    if (kind.type === "map" && isJsonObject(item)) walkObject(item, meta, node, nodes);
  });
}
