// The default RBAC policy created at apiserver start (upstream's storage_rbac post-start hook):
// every role and binding of bootstrappolicy (policy.go, controller_policy.go,
// namespace_policy.go) is created if missing, and reconciled (missing rules, subjects, labels,
// annotations, aggregation selectors added) while it carries autoupdate "true".
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  Subject,
} from "kubernetes-types/rbac/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ApiContext } from "../api-context.ts";
import type { KObject } from "../registry/object.ts";
import { createResource, updateResource } from "../registry/resource-store.ts";
import { clusterRoles, eventsRule, rule } from "./bootstrap-cluster-roles.ts";
import {
  controllerRoleBindings,
  controllerRoles,
  controllerRules,
  kubeControllerRules,
} from "./bootstrap-controller-roles.ts";
import { reconcileBinding, reconcileRole } from "./reconcile-policy.ts";

const GROUP = "rbac.authorization.k8s.io";
export const AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
export const BOOTSTRAP_LABEL = { "kubernetes.io/bootstrapping": "rbac-defaults" };

/** Every rule of the controllers, deduplicated: what system:kube-controller-manager needs as kube's one identity. */
function allControllerRules(): PolicyRule[] {
  const seen = new Set<string>();
  const out: PolicyRule[] = [];
  for (const r of [...Object.values(controllerRules()).flat(), ...kubeControllerRules()]) {
    const key = JSON.stringify(r);
    if (!seen.has(key)) out.push(r);
    seen.add(key);
  }
  return out;
}

type Who = ["User" | "Group", string] | ["ServiceAccount", string, string];

function subjects(who: Who[]): Subject[] {
  return who.map((w) =>
    w[0] === "ServiceAccount"
      ? { kind: "ServiceAccount", name: w[1], namespace: w[2] }
      : { kind: w[0], apiGroup: GROUP, name: w[1] },
  );
}

function clusterBinding(name: string, who: Who[], roleName = name): ClusterRoleBinding {
  const b: ClusterRoleBinding = {
    apiVersion: `${GROUP}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name },
    roleRef: { apiGroup: GROUP, kind: "ClusterRole", name: roleName },
  };
  if (who.length > 0) b.subjects = subjects(who);
  return b;
}

export function clusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterBinding("cluster-admin", [["Group", "system:masters"]]),
    clusterBinding("system:monitoring", [["Group", "system:monitoring"]]),
    clusterBinding("system:discovery", [["Group", "system:authenticated"]]),
    clusterBinding("system:basic-user", [["Group", "system:authenticated"]]),
    clusterBinding("system:public-info-viewer", [
      ["Group", "system:authenticated"],
      ["Group", "system:unauthenticated"],
    ]),
    clusterBinding("system:node-proxier", [["User", "system:kube-proxy"]]),
    clusterBinding("system:kube-controller-manager", [["User", "system:kube-controller-manager"]]),
    // kube's DNS runs as system:kube-dns when it is not a pod with the kube-dns account.
    clusterBinding("system:kube-dns", [
      ["ServiceAccount", "kube-dns", "kube-system"],
      ["User", "system:kube-dns"],
    ]),
    clusterBinding("system:kube-scheduler", [["User", "system:kube-scheduler"]]),
    clusterBinding("system:volume-scheduler", [["User", "system:kube-scheduler"]]),
    clusterBinding("system:node", []),
    clusterBinding("system:service-account-issuer-discovery", [["Group", "system:serviceaccounts"]]),
    ...controllerRoleBindings(),
  ];
}

function nsRole(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { apiVersion: `${GROUP}/v1`, kind: "Role", metadata: { name, namespace }, rules };
}

function nsBinding(namespace: string, name: string, roleName: string, who: Who[]): RoleBinding {
  return {
    apiVersion: `${GROUP}/v1`,
    kind: "RoleBinding",
    metadata: { name, namespace },
    roleRef: { apiGroup: GROUP, kind: "Role", name: roleName },
    subjects: subjects(who),
  };
}

/** upstream's namespace_policy.go, plus the Role kube's DNS needs to publish itself in kube-system. */
export function namespaceRoles(): Role[] {
  const ks = "kube-system";
  return [
    nsRole(ks, "extension-apiserver-authentication-reader", [
      rule(["get", "list", "watch"], [""], ["configmaps"], ["extension-apiserver-authentication"]),
    ]),
    nsRole(ks, "system::leader-locking-kube-controller-manager", [
      rule(["watch"], [""], ["configmaps"]),
      rule(["get", "update"], [""], ["configmaps"], ["kube-controller-manager"]),
    ]),
    nsRole(ks, "system::leader-locking-kube-scheduler", [
      rule(["watch"], [""], ["configmaps"]),
      rule(["get", "update"], [""], ["configmaps"], ["kube-scheduler"]),
    ]),
    nsRole(ks, "system:controller:bootstrap-signer", [rule(["get", "list", "watch"], [""], ["secrets"])]),
    nsRole(ks, "system:controller:cloud-provider", [
      rule(["create", "get", "list", "watch"], [""], ["configmaps"]),
    ]),
    nsRole(ks, "system:controller:token-cleaner", [
      rule(["delete", "get", "list", "watch"], [""], ["secrets"]),
      eventsRule(),
    ]),
    nsRole(ks, "system:kube-dns-registration", [
      rule(["get", "create", "update", "delete"], [""], ["services", "endpoints"]),
      rule(["get", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
    ]),
    nsRole("kube-public", "system:controller:bootstrap-signer", [
      rule(["get", "list", "watch"], [""], ["configmaps"]),
      rule(["update"], [""], ["configmaps"], ["cluster-info"]),
      eventsRule(),
    ]),
  ];
}

export function namespaceRoleBindings(): RoleBinding[] {
  const ks = "kube-system";
  return [
    nsBinding(
      ks,
      "system::extension-apiserver-authentication-reader",
      "extension-apiserver-authentication-reader",
      [
        ["User", "system:kube-controller-manager"],
        ["User", "system:kube-scheduler"],
      ],
    ),
    nsBinding(
      ks,
      "system::leader-locking-kube-controller-manager",
      "system::leader-locking-kube-controller-manager",
      [
        ["User", "system:kube-controller-manager"],
        ["ServiceAccount", "kube-controller-manager", ks],
      ],
    ),
    nsBinding(ks, "system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler", [
      ["User", "system:kube-scheduler"],
      ["ServiceAccount", "kube-scheduler", ks],
    ]),
    nsBinding(ks, "system:controller:bootstrap-signer", "system:controller:bootstrap-signer", [
      ["ServiceAccount", "bootstrap-signer", ks],
    ]),
    nsBinding(ks, "system:controller:cloud-provider", "system:controller:cloud-provider", [
      ["ServiceAccount", "cloud-provider", ks],
    ]),
    nsBinding(ks, "system:controller:token-cleaner", "system:controller:token-cleaner", [
      ["ServiceAccount", "token-cleaner", ks],
    ]),
    nsBinding(ks, "system:kube-dns-registration", "system:kube-dns-registration", [
      ["User", "system:kube-dns"],
      ["ServiceAccount", "kube-dns", ks],
    ]),
    nsBinding("kube-public", "system:controller:bootstrap-signer", "system:controller:bootstrap-signer", [
      ["ServiceAccount", "bootstrap-signer", ks],
    ]),
  ];
}

/** Every default object, labelled and annotated as upstream's. */
export function bootstrapPolicy(): {
  clusterRoles: ClusterRole[];
  clusterRoleBindings: ClusterRoleBinding[];
  roles: Role[];
  roleBindings: RoleBinding[];
} {
  const mark = <
    T extends { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } },
  >(
    o: T,
  ): T => {
    o.metadata = {
      ...o.metadata,
      labels: { ...o.metadata?.labels, ...BOOTSTRAP_LABEL },
      annotations: { [AUTOUPDATE]: "true" },
    };
    return o;
  };
  return {
    clusterRoles: [...clusterRoles(allControllerRules()), ...controllerRoles()].map(mark),
    clusterRoleBindings: clusterRoleBindings().map(mark),
    roles: namespaceRoles().map(mark),
    roleBindings: namespaceRoleBindings().map(mark),
  };
}

/**
 * Creates what is missing and reconciles what carries autoupdate "true". Runs after the
 * namespaces exist (kube-system, kube-public). Returns what it changed, for the log.
 */
export async function ensureBootstrapPolicy(ctx: ApiContext): Promise<string[]> {
  const policy = bootstrapPolicy();
  const changed: string[] = [];
  const sets: [string, KObject[], boolean][] = [
    ["clusterroles", policy.clusterRoles as unknown as KObject[], true],
    ["roles", policy.roles as unknown as KObject[], true],
    ["clusterrolebindings", policy.clusterRoleBindings as unknown as KObject[], false],
    ["rolebindings", policy.roleBindings as unknown as KObject[], false],
  ];
  const opts = { dryRun: false, manager: "kube-apiserver", subresource: "" };
  for (const [plural, objects, isRole] of sets) {
    const entry = ctx.registry.lookup(GROUP, "v1", plural);
    if (!entry) continue;
    // All of a kind at once: the writes commit in a few groups instead of one commit each
    // (a first start creates ~100 objects).
    const results = await Promise.all(
      objects.map(async (want): Promise<string | undefined> => {
        const ns = want.metadata?.namespace ?? "";
        const name = want.metadata?.name ?? "";
        const found = await entry.store.current(ns, name);
        if (!found) {
          try {
            await createResource(ctx, entry, ns, structuredClone(want), opts);
            return `created ${plural} ${ns ? `${ns}/` : ""}${name}`;
          } catch (err) {
            if (!(err instanceof StatusError && err.code === 409)) throw err;
          }
          return undefined;
        }
        if (found.obj.metadata.annotations?.[AUTOUPDATE] === "false") return undefined;
        const reconcile = isRole ? reconcileRole : reconcileBinding;
        if (!reconcile(found.obj, want)) return undefined;
        // Through the resource store, as any writer: validation, admission and managedFields.
        await updateResource(
          ctx,
          entry,
          ns,
          name,
          opts,
          async (cur) => (cur ? { update: reconcile(cur, want) ?? cur } : { create: structuredClone(want) }),
          false,
        );
        return `reconciled ${plural} ${ns ? `${ns}/` : ""}${name}`;
      }),
    );
    for (const line of results) if (line) changed.push(line);
  }
  return changed;
}
