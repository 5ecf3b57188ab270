// FieldSet: the set of fields a manager owns, converted to and from the FieldsV1 JSON stored in
// metadata.managedFields (`{"f:spec":{"f:replicas":{}}}`, `.` marking a node that is itself a
// member). Semantics of sigs.k8s.io/structured-merge-diff fieldpath.Set.

import { isJsonObject, type JsonObject } from "../patch/json-value.ts";
import type { FieldPath } from "./field-path.ts";

const SEPARATOR = "\u0000";

export class FieldSet {
  private readonly members = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  /** A path's identity; path elements never contain NUL in practice (they are JSON keys). */
  static key(path: FieldPath): string {
    return path.join(SEPARATOR);
  }

  /** The key of a child path, from its parent's key. */
  static childKey(parentKey: string, element: string): string {
    return parentKey === "" ? element : `${parentKey}${SEPARATOR}${element}`;
  }

  /** Adds a member; `key` may be passed when the caller already has FieldSet.key(path). */
  add(path: FieldPath, key = FieldSet.key(path)): void {
    this.members.set(key, path);
  }

  has(path: FieldPath): boolean {
    return this.members.has(FieldSet.key(path));
  }

  get size(): number {
    return this.members.size;
  }

  paths(): FieldPath[] {
    return [...this.members.values()];
  }

  union(other: FieldSet): FieldSet {
    const result = this.copy((): boolean => true);
    for (const [key, path] of other.members) result.members.set(key, path);
    return result;
  }

  difference(other: FieldSet): FieldSet {
    return this.copy((key) => !other.members.has(key));
  }

  intersection(other: FieldSet): FieldSet {
    return this.copy((key) => other.members.has(key));
  }

  private copy(keep: (key: string) => boolean): FieldSet {
    const result = new FieldSet();
    for (const [key, path] of this.members) if (keep(key)) result.members.set(key, path);
    return result;
  }

  /** Members no other member lies under: values rather than containers of members. */
  leaves(): FieldPath[] {
    const parents = new Set<string>();
    for (const key of this.members.keys()) {
      for (let end = key.lastIndexOf(SEPARATOR); end > 0; end = key.lastIndexOf(SEPARATOR, end - 1)) {
        const parent = key.slice(0, end);
        if (parents.has(parent)) break;
        parents.add(parent);
      }
    }
    const result: FieldPath[] = [];
    for (const [key, path] of this.members) if (!parents.has(key)) result.push(path);
    return result;
  }

  /** True if some member lies at or under `prefix`. */
  hasPrefix(prefix: FieldPath): boolean {
    return this.paths().some(
      (path) => path.length >= prefix.length && prefix.every((element, i) => path[i] === element),
    );
  }

  /** The FieldsV1 JSON form: a tree with `{}` leaves and `.` for members that have children. */
  toFieldsV1(): JsonObject {
    const root: JsonObject = {};
    const sorted = this.paths().sort((a, b) => a.length - b.length);
    for (const path of sorted) {
      let node = root;
      for (const element of path) {
        const next = node[element];
        if (isJsonObject(next)) {
          node = next;
        } else {
          const created: JsonObject = {};
          node[element] = created;
          node = created;
        }
      }
      if (Object.keys(node).length > 0) node["."] = {};
      else node[MEMBER] = true;
    }
    return finish(root);
  }

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, path: string[], key: string): void => {
      if (!isJsonObject(node)) return;
      const elements = Object.keys(node);
      if (elements.length === 0 && path.length > 0) set.add(path, key);
      for (const element of elements) {
        if (element === ".") set.add(path, key);
        else walk(node[element], [...path, element], FieldSet.childKey(key, element));
      }
    };
    walk(fields, [], "");
    return set;
  }
}

/** Marks a leaf member while building, so a later child turns it into a `.` member. */
const MEMBER = "\u0000member";

function finish(node: JsonObject): JsonObject {
  const result: JsonObject = {};
  const keys = Object.keys(node).filter((key) => key !== MEMBER);
  const isMember = Object.hasOwn(node, MEMBER);
  if (isMember && keys.length > 0) result["."] = {};
  for (const key of keys.sort(compareElements)) {
    const child = node[key];
    result[key] = isJsonObject(child) ? finish(child) : {};
  }
  return result;
}

/** Upstream sorts "." first, then by element text. */
function compareElements(a: string, b: string): number {
  if (a === ".") return -1;
  if (b === ".") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
