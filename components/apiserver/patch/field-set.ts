// FieldSet: the set of fields a manager owns, converted to and from the FieldsV1 JSON stored in
// metadata.managedFields (`{"f:spec":{"f:replicas":{}}}`, `.` marking a node that is itself a
// member). Semantics of sigs.k8s.io/structured-merge-diff fieldpath.Set.

import type { FieldPath } from "./field-path.ts";
import { isJsonObject, type JsonObject } from "./json-value.ts";

export class FieldSet {
  readonly #members = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  add(path: FieldPath): void {
    this.#members.set(JSON.stringify(path), [...path]);
  }

  has(path: FieldPath): boolean {
    return this.#members.has(JSON.stringify(path));
  }

  get size(): number {
    return this.#members.size;
  }

  paths(): FieldPath[] {
    return [...this.#members.values()];
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet([...this.paths(), ...other.paths()]);
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((path) => !other.has(path)));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((path) => other.has(path)));
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
    const walk = (node: unknown, path: string[]): void => {
      if (!isJsonObject(node)) return;
      const keys = Object.keys(node);
      if (keys.length === 0 && path.length > 0) set.add(path);
      for (const key of keys) {
        if (key === ".") set.add(path);
        else walk(node[key], [...path, key]);
      }
    };
    walk(fields, []);
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
