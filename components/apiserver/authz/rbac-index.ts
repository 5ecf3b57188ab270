// The RBAC objects in memory, with the bindings indexed by subject, so finding what applies to
// a user is a few map lookups. Upstream reads the same four listers per request and walks every
// binding (plugin/pkg/auth/authorizer/rbac/rbac.go); the index gives the same answers.
import type { ClusterRoleBinding, PolicyRule, RoleBinding, Subject } from "kubernetes-types/rbac/v1";
import type { UserInfo } from "../authn/user-info.ts";
import type { Stored } from "../registry/object.ts";
import type { Change } from "./watched-objects.ts";

export interface RoleRecord {
  rules: PolicyRule[];
}

type Binding = ClusterRoleBinding | RoleBinding;

/** A subject as an index key: a ServiceAccount is the user `system:serviceaccount:<ns>:<name>`. */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case "User":
      return `u:${s.name}`;
    case "Group":
      return `g:${s.name}`;
    case "ServiceAccount": {
      const ns = s.namespace || bindingNamespace;
      return ns ? `u:system:serviceaccount:${ns}:${s.name}` : undefined;
    }
    default:
      return undefined;
  }
}

export function userKeys(user: UserInfo): string[] {
  return [`u:${user.username}`, ...user.groups.map((g) => `g:${g}`)];
}

/** Whether a subject names the user whose userKeys() these are (upstream's appliesToUser). */
export function appliesTo(keys: ReadonlySet<string>, s: Subject, bindingNamespace: string): boolean {
  const key = subjectKey(s, bindingNamespace);
  return key !== undefined && keys.has(key);
}

export class RbacIndex {
  readonly clusterRoles = new Map<string, RoleRecord>();
  /** "namespace/name" */
  readonly roles = new Map<string, RoleRecord>();
  readonly clusterRoleBindings = new Map<string, ClusterRoleBinding>();
  /** "namespace/name" */
  readonly roleBindings = new Map<string, RoleBinding>();
  private readonly clusterBySubject = new Map<string, Set<string>>();
  /** namespace -> subject key -> "namespace/name" of RoleBindings */
  private readonly namespacedBySubject = new Map<string, Map<string, Set<string>>>();

  onClusterRole = (c: Change): void => {
    const name = c.obj.metadata.name ?? "";
    if (c.type === "delete") this.clusterRoles.delete(name);
    else this.clusterRoles.set(name, { rules: rulesOf(c.obj) });
  };

  onRole = (c: Change): void => {
    const key = `${c.obj.metadata.namespace}/${c.obj.metadata.name}`;
    if (c.type === "delete") this.roles.delete(key);
    else this.roles.set(key, { rules: rulesOf(c.obj) });
  };

  onClusterRoleBinding = (c: Change): void => {
    const name = c.obj.metadata.name ?? "";
    const old = this.clusterRoleBindings.get(name);
    if (old) for (const k of keysOf(old, "")) this.clusterBySubject.get(k)?.delete(name);
    if (c.type === "delete") {
      this.clusterRoleBindings.delete(name);
      return;
    }
    const binding = c.obj as unknown as ClusterRoleBinding;
    this.clusterRoleBindings.set(name, binding);
    for (const k of keysOf(binding, "")) addTo(this.clusterBySubject, k, name);
  };

  onRoleBinding = (c: Change): void => {
    const ns = c.obj.metadata.namespace ?? "";
    const key = `${ns}/${c.obj.metadata.name}`;
    let bySubject = this.namespacedBySubject.get(ns);
    if (!bySubject) {
      bySubject = new Map();
      this.namespacedBySubject.set(ns, bySubject);
    }
    const old = this.roleBindings.get(key);
    if (old) for (const k of keysOf(old, ns)) bySubject.get(k)?.delete(key);
    if (c.type === "delete") {
      this.roleBindings.delete(key);
      return;
    }
    const binding = c.obj as unknown as RoleBinding;
    this.roleBindings.set(key, binding);
    for (const k of keysOf(binding, ns)) addTo(bySubject, k, key);
  };

  /** The ClusterRoleBindings naming this user, in name order (upstream lists them sorted). */
  clusterBindingsFor(user: UserInfo): ClusterRoleBinding[] {
    return collect(userKeys(user), this.clusterBySubject, this.clusterRoleBindings);
  }

  /** The RoleBindings of one namespace naming this user, in name order. */
  roleBindingsFor(user: UserInfo, namespace: string): RoleBinding[] {
    const bySubject = this.namespacedBySubject.get(namespace);
    return bySubject ? collect(userKeys(user), bySubject, this.roleBindings) : [];
  }
}

function rulesOf(obj: Stored): PolicyRule[] {
  const rules = (obj as { rules?: unknown }).rules;
  return Array.isArray(rules) ? (rules as PolicyRule[]) : [];
}

function keysOf(b: Binding, ns: string): string[] {
  const out: string[] = [];
  for (const s of b.subjects ?? []) {
    const k = subjectKey(s, ns);
    if (k) out.push(k);
  }
  return out;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function collect<T>(keys: string[], bySubject: Map<string, Set<string>>, objects: Map<string, T>): T[] {
  const names = new Set<string>();
  for (const k of keys) for (const n of bySubject.get(k) ?? []) names.add(n);
  const sorted = names.size > 1 ? [...names].sort() : [...names];
  const out: T[] = [];
  for (const n of sorted) {
    const b = objects.get(n);
    if (b) out.push(b);
  }
  return out;
}
