// The default policy's shape (upstream's names, labels, annotations, bindings), reconciliation
// that adds what is missing and keeps what admins added, and RBAC decision time with the
// whole policy loaded.
import { expect, test } from "bun:test";
import type { ClusterRole } from "kubernetes-types/rbac/v1";
import { busyMs } from "../../../test/harness/busy-ms.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Attributes } from "./authorizer.ts";
import { bootstrapPolicy } from "./bootstrap-policy.ts";
import { RbacAuthorizer } from "./rbac-authorizer.ts";
import { reconcileBinding, reconcileRole } from "./reconcile-policy.ts";

const policy = bootstrapPolicy();
const byName = (name: string) => policy.clusterRoles.find((r) => r.metadata?.name === name) as ClusterRole;

test("every object is labelled and annotated as upstream's", () => {
  for (const o of [
    ...policy.clusterRoles,
    ...policy.clusterRoleBindings,
    ...policy.roles,
    ...policy.roleBindings,
  ]) {
    expect(o.metadata?.labels?.["kubernetes.io/bootstrapping"]).toBe("rbac-defaults");
    expect(o.metadata?.annotations?.["rbac.authorization.kubernetes.io/autoupdate"]).toBe("true");
  }
  expect(byName("admin").aggregationRule?.clusterRoleSelectors).toEqual([
    { matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } },
  ]);
  expect(byName("edit").metadata?.labels?.["rbac.authorization.k8s.io/aggregate-to-admin"]).toBe("true");
  expect(byName("system:public-info-viewer").rules).toEqual([
    { verbs: ["get"], nonResourceURLs: ["/livez", "/readyz", "/healthz", "/version", "/version/"] },
  ]);
  const names = new Set(policy.clusterRoles.map((r) => r.metadata?.name));
  for (const n of [
    "system:controller:replicaset-controller",
    "system:kube-dns",
    "system:auth-delegator",
    "system:node-bootstrapper",
  ])
    expect(names.has(n)).toBe(true);
  // Every binding's role exists.
  for (const b of policy.clusterRoleBindings) expect(names.has(b.roleRef.name)).toBe(true);
});

function load(): RbacAuthorizer {
  const a = new RbacAuthorizer();
  const s = (o: unknown) => o as Stored;
  for (const r of policy.clusterRoles) a.index.onClusterRole({ type: "set", obj: s(r) });
  for (const r of policy.roles) a.index.onRole({ type: "set", obj: s(r) });
  for (const b of policy.clusterRoleBindings) a.index.onClusterRoleBinding({ type: "set", obj: s(b) });
  for (const b of policy.roleBindings) a.index.onRoleBinding({ type: "set", obj: s(b) });
  return a;
}

const req = (
  username: string,
  groups: string[],
  verb: string,
  resource: string,
  group = "",
  ns = "default",
): Attributes => ({
  user: { username, groups },
  verb,
  isResourceRequest: true,
  path: "",
  apiGroup: group,
  apiVersion: "v1",
  namespace: ns,
  resource,
  subresource: "",
  name: "",
});

test("kube's single controller-manager identity may do what its controllers do", () => {
  const a = load();
  const kcm = (verb: string, resource: string, group = "") =>
    a.authorize(req("system:kube-controller-manager", ["system:authenticated"], verb, resource, group))
      .decision;
  expect(kcm("create", "pods")).toBe("allow");
  expect(kcm("update", "deployments/status", "apps")).toBe("allow");
  expect(kcm("patch", "services/status")).toBe("allow");
  expect(kcm("escalate", "clusterroles", "rbac.authorization.k8s.io")).toBe("allow");
  expect(kcm("delete", "secrets")).toBe("allow");
  expect(kcm("create", "clusterrolebindings", "rbac.authorization.k8s.io")).toBe("noOpinion");
  const dns = a.authorize(
    req("system:kube-dns", ["system:authenticated"], "update", "endpoints", "", "kube-system"),
  );
  expect(dns.decision).toBe("allow");
});

test("one decision with the whole default policy loaded", () => {
  const a = load();
  const cases = [
    req("system:kube-controller-manager", ["system:authenticated"], "create", "pods"),
    req("alice", ["system:authenticated"], "get", "secrets"),
  ];
  for (const attrs of cases) {
    for (let i = 0; i < 20000; i++) a.authorize(attrs);
    const runs = 50000;
    const us =
      (busyMs(() => {
        for (let i = 0; i < runs; i++) a.authorize(attrs);
      }) *
        1000) /
      runs;
    console.log(`${attrs.user.username} ${attrs.verb} ${attrs.resource}: ${us.toFixed(2)} µs`);
    expect(us).toBeLessThan(50);
  }
});

test("reconciliation adds missing rules, selectors, labels and subjects; keeps additions", () => {
  const want = byName("system:kube-dns") as unknown as KObject;
  const existing = structuredClone(want);
  const added = { verbs: ["get"], apiGroups: ["example.com"], resources: ["things"] };
  existing.rules = [added];
  (existing.metadata as { labels?: Record<string, string> }).labels = { mine: "yes" };
  const next = reconcileRole(existing, want) as KObject;
  expect(next.rules).toEqual([added, ...(want.rules as object[])]);
  expect(next.metadata?.labels).toEqual({ "kubernetes.io/bootstrapping": "rbac-defaults", mine: "yes" });
  expect(reconcileRole(next, want)).toBeUndefined();
  const crb = policy.clusterRoleBindings.find(
    (b) => b.metadata?.name === "cluster-admin",
  ) as unknown as KObject;
  const edited = {
    ...structuredClone(crb),
    subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "ops" }],
  };
  const fixed = reconcileBinding(edited as KObject, crb) as KObject;
  expect(fixed.subjects).toEqual([
    { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "ops" },
    { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:masters" },
  ]);
});

test("reconciliation of what the policy stored changes nothing; each single difference is still found", () => {
  for (const role of [...policy.clusterRoles, ...policy.roles] as unknown as KObject[])
    expect(reconcileRole(structuredClone(role), role)).toBeUndefined();
  for (const binding of [...policy.clusterRoleBindings, ...policy.roleBindings] as unknown as KObject[])
    expect(reconcileBinding(structuredClone(binding), binding)).toBeUndefined();
  const want = byName("system:kube-dns") as unknown as KObject;
  // The same permissions written another way: no text match, but covered.
  const reordered = structuredClone(want);
  reordered.rules = [...(want.rules as object[])].reverse();
  expect(reconcileRole(reordered, want)).toBeUndefined();
  const unlabelled = structuredClone(want);
  delete (unlabelled.metadata as { labels?: unknown }).labels;
  expect(reconcileRole(unlabelled, want)?.metadata?.labels).toEqual(want.metadata?.labels);
  const unannotated = structuredClone(want);
  delete (unannotated.metadata as { annotations?: unknown }).annotations;
  expect(reconcileRole(unannotated, want)?.metadata?.annotations).toEqual(want.metadata?.annotations);
  const aggregated = policy.clusterRoles.find((r) => r.aggregationRule) as unknown as KObject;
  const noSelectors = { ...structuredClone(aggregated), aggregationRule: { clusterRoleSelectors: [] } };
  expect(reconcileRole(noSelectors as KObject, aggregated)?.aggregationRule).toEqual(
    aggregated.aggregationRule,
  );
  const crb = policy.clusterRoleBindings.find(
    (b) => b.metadata?.name === "cluster-admin",
  ) as unknown as KObject;
  const otherRef = {
    ...structuredClone(crb),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
  };
  expect(reconcileBinding(otherRef as KObject, crb)?.roleRef).toEqual(crb.roleRef);
});
