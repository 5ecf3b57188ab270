// Authorization of writes (modes Node,RBAC): escalation checks on roles and bindings (allowed,
// denied with upstream's message and nothing stored, `bind`/`escalate` grants), the Node
// authorizer's pod graph, NodeRestriction, SelfSubjectRulesReview, and the aggregation
// controller filling admin/edit/view.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureBootstrapPolicy } from "../../components/apiserver/authz/bootstrap-policy.ts";
import { clusterRoleAggregationController } from "../../components/controller-manager/clusterroleaggregation/cluster-role-aggregation-controller.ts";
import type { ApiClient } from "../../lib/client/api-client.ts";
import { StatusError } from "../../lib/errors/status-error.ts";
import { startControlPlane } from "../harness/control-plane.ts";
import { until } from "../harness/until.ts";
import { type AuthzStack, startAuthzStack } from "./authz-stack.ts";

let stack: AuthzStack;
const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const G = "rbac.authorization.k8s.io";
const NS = "kt-esc";

beforeAll(async () => {
  stack = await startAuthzStack(["Node", "RBAC"]);
  const admin = stack.clientAs("root", ["system:masters"]);
  await admin.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
  await admin.create(
    `${RBAC}/namespaces/${NS}/roles`,
    role("manager", [
      {
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
        apiGroups: [G],
        resources: ["roles", "rolebindings"],
      },
      { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] },
    ]),
  );
  await admin.create(
    `${RBAC}/namespaces/${NS}/rolebindings`,
    binding("bob-manager", "Role", "manager", "bob"),
  );
});

afterAll(async () => {
  await stack?.stop();
});

function role(name: string, rules: object[]): object {
  return { apiVersion: `${G}/v1`, kind: "Role", metadata: { name }, rules };
}

function binding(name: string, kind: string, roleName: string, user: string): object {
  return {
    apiVersion: `${G}/v1`,
    kind: "RoleBinding",
    metadata: { name },
    roleRef: { apiGroup: G, kind, name: roleName },
    subjects: [{ kind: "User", apiGroup: G, name: user }],
  };
}

async function failure(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error("expected the request to fail");
}

/** Retries while RBAC's cache has not yet seen a just-created binding. */
function eventually<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return until(what, async () => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof StatusError && e.code === 403 && e.message.includes("cannot")) return undefined;
      throw e;
    }
  });
}

describe("escalation checks", () => {
  test("a role with held rules is created; one with more is 403 and not stored", async () => {
    const bob = stack.clientAs("bob");
    await eventually("bob may create roles", () =>
      bob.create(
        `${RBAC}/namespaces/${NS}/roles`,
        role("pod-getter", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]),
      ),
    );
    const err = await failure(
      bob.create(
        `${RBAC}/namespaces/${NS}/roles`,
        role("secret-getter", [
          { verbs: ["get", "delete"], apiGroups: [""], resources: ["secrets", "pods"] },
        ]),
      ),
    );
    expect(err.code).toBe(403);
    expect(err.message).toBe(
      'roles.rbac.authorization.k8s.io "secret-getter" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n' +
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
    );
    const admin = stack.clientAs("root", ["system:masters"]);
    expect(await admin.getIfExists(`${RBAC}/namespaces/${NS}/roles/secret-getter`)).toBeUndefined();
    // Updating a held role to add rules is an escalation too.
    const update = await failure(
      bob.update(
        `${RBAC}/namespaces/${NS}/roles/pod-getter`,
        role("pod-getter", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]),
      ),
    );
    expect(update.code).toBe(403);
  });

  test("binding a role whose rules are held is fine; cluster-admin is 403 until `bind` is granted", async () => {
    const bob = stack.clientAs("bob");
    await eventually("bob may bind pod-getter", () =>
      bob.create(
        `${RBAC}/namespaces/${NS}/rolebindings`,
        binding("carol-pods", "Role", "pod-getter", "carol"),
      ),
    );
    const err = await failure(
      bob.create(
        `${RBAC}/namespaces/${NS}/rolebindings`,
        binding("carol-admin", "ClusterRole", "cluster-admin", "carol"),
      ),
    );
    expect(err.code).toBe(403);
    expect(err.message).toStartWith(
      'rolebindings.rbac.authorization.k8s.io "carol-admin" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
    );
    const missing = await failure(
      bob.create(`${RBAC}/namespaces/${NS}/rolebindings`, binding("carol-ghost", "Role", "ghost", "carol")),
    );
    expect(missing.message).toBe(
      'rolebindings.rbac.authorization.k8s.io "carol-ghost" is forbidden: role.rbac.authorization.k8s.io "ghost" not found',
    );
    const admin = stack.clientAs("root", ["system:masters"]);
    await admin.create(
      `${RBAC}/namespaces/${NS}/roles`,
      role("binder", [
        { verbs: ["bind"], apiGroups: [G], resources: ["clusterroles"], resourceNames: ["cluster-admin"] },
      ]),
    );
    await admin.create(
      `${RBAC}/namespaces/${NS}/rolebindings`,
      binding("bob-binder", "Role", "binder", "bob"),
    );
    await eventually("bob may bind cluster-admin", () =>
      bob.create(
        `${RBAC}/namespaces/${NS}/rolebindings`,
        binding("carol-admin", "ClusterRole", "cluster-admin", "carol"),
      ),
    );
  });
});

describe("nodes", () => {
  const node = (name: string): ApiClient => stack.clientAs(`system:node:${name}`, ["system:nodes"]);
  const admin = () => stack.clientAs("root", ["system:masters"]);
  const secret = (name: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name }, data: {} });

  test("a node reads a secret only while a pod bound to it refers to it", async () => {
    await admin().create("/api/v1/namespaces/default/secrets", secret("kt-s1"));
    await admin().create("/api/v1/namespaces/default/secrets", secret("kt-s2"));
    const before = await failure(node("kt-n1").get("/api/v1/namespaces/default/secrets/kt-s1"));
    expect(before.message).toBe(
      'secrets "kt-s1" is forbidden: User "system:node:kt-n1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node \'kt-n1\' and this object',
    );
    await admin().create("/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kt-p1" },
      spec: {
        nodeName: "kt-n1",
        containers: [
          {
            name: "c",
            image: "pause",
            env: [{ name: "X", valueFrom: { secretKeyRef: { name: "kt-s1", key: "k" } } }],
          },
        ],
      },
    });
    await eventually("kt-n1 may read kt-s1", () =>
      node("kt-n1").get("/api/v1/namespaces/default/secrets/kt-s1"),
    );
    expect((await failure(node("kt-n1").get("/api/v1/namespaces/default/secrets/kt-s2"))).code).toBe(403);
    expect((await failure(node("kt-n2").get("/api/v1/namespaces/default/secrets/kt-s1"))).code).toBe(403);
    await admin().delete("/api/v1/namespaces/default/pods/kt-p1", { gracePeriodSeconds: 0 });
    await until("kt-n1 loses kt-s1", async () =>
      (await node("kt-n1")
        .getIfExists("/api/v1/namespaces/default/secrets/kt-s1")
        .catch((e: unknown) => e)) instanceof StatusError
        ? true
        : undefined,
    );
  });

  test("NodeRestriction: own Node only, no taint or restricted label changes, mirror pods only, own lease", async () => {
    const n1 = node("kt-n1");
    const created = await n1.create<{ metadata: { uid: string } }>("/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "kt-n1", labels: { "kubernetes.io/hostname": "kt-n1" } },
    });
    await admin().create("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "kt-n2" } });
    const other = await failure(n1.patch("/api/v1/nodes/kt-n2", { metadata: { labels: { a: "b" } } }));
    expect(other.message).toBe(
      'nodes "kt-n2" is forbidden: node "kt-n1" is not allowed to modify node "kt-n2"',
    );
    const label = await failure(
      n1.patch("/api/v1/nodes/kt-n1", { metadata: { labels: { "node-role.kubernetes.io/master": "" } } }),
    );
    expect(label.message).toBe(
      'nodes "kt-n1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/master',
    );
    await n1.patch("/api/v1/nodes/kt-n1", {
      metadata: { labels: { "node.kubernetes.io/pool": "a", team: "x" } },
    });
    const taint = await failure(
      n1.patch("/api/v1/nodes/kt-n1", { spec: { taints: [{ key: "k", effect: "NoSchedule" }] } }),
    );
    expect(taint.message).toBe('nodes "kt-n1" is forbidden: node "kt-n1" is not allowed to modify taints');
    const pod = (annotations: Record<string, string>, owner: boolean) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "kt-static-kt-n1",
        annotations,
        ...(owner
          ? {
              ownerReferences: [
                {
                  apiVersion: "v1",
                  kind: "Node",
                  name: "kt-n1",
                  uid: created.metadata.uid,
                  controller: true,
                },
              ],
            }
          : {}),
      },
      spec: { nodeName: "kt-n1", containers: [{ name: "c", image: "pause" }] },
    });
    const plain = await failure(n1.create("/api/v1/namespaces/default/pods", pod({}, true)));
    expect(plain.message).toBe(
      'pods "kt-static-kt-n1" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "kt-n1" can only create mirror pods',
    );
    await n1.create("/api/v1/namespaces/default/pods", pod({ "kubernetes.io/config.mirror": "h" }, true));
    const lease = (name: string) => ({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name },
      spec: { holderIdentity: name },
    });
    // Deletes: pods bound to itself only.
    await admin().create("/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kt-p2" },
      spec: { nodeName: "kt-n2", containers: [{ name: "c", image: "pause" }] },
    });
    const del = await failure(n1.delete("/api/v1/namespaces/default/pods/kt-p2"));
    expect(del.message).toBe(
      'pods "kt-p2" is forbidden: node "kt-n1" can only delete pods with spec.nodeName set to itself',
    );
    await n1.delete("/api/v1/namespaces/default/pods/kt-static-kt-n1", { gracePeriodSeconds: 0 });
    await n1.create("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease("kt-n1"));
    const foreign = await failure(
      n1.create("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease("kt-n2")),
    );
    expect(foreign.message).toBe(
      'leases.coordination.k8s.io "kt-n2" is forbidden: can only access node lease with the same name as the requesting node',
    );
  });

  test("SelfSubjectRulesReview: complete for users, incomplete for nodes", async () => {
    const review = {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectRulesReview",
      spec: { namespace: NS },
    };
    const path = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    const bob = await stack
      .clientAs("bob")
      .create<{ status: { incomplete: boolean; resourceRules: object[] } }>(path, review);
    expect(bob.status.incomplete).toBe(false);
    expect(bob.status.resourceRules).toContainEqual({
      verbs: ["get", "list"],
      apiGroups: [""],
      resources: ["pods"],
    });
    const n = await node("kt-n1").create<{ status: { incomplete: boolean; evaluationError?: string } }>(
      path,
      review,
    );
    expect(n.status.incomplete).toBe(true);
    expect(n.status.evaluationError).toBe("node authorizer does not support user rule resolution");
    expect((await failure(stack.clientAs("bob").create(path, { ...review, spec: {} }))).message).toBe(
      "no namespace on request",
    );
  });
});

test("the aggregation controller fills admin, edit and view from the labelled roles", async () => {
  const cp = await startControlPlane({ nodes: [], controllers: [clusterRoleAggregationController] });
  try {
    type Role = { rules?: { resources?: string[]; verbs: string[] }[] };
    const has = (r: Role, resource: string, verb: string) =>
      (r.rules ?? []).some((x) => x.resources?.includes(resource) && x.verbs.includes(verb));
    const admin = await until("admin aggregated", async () => {
      const r = await cp.client.get<Role>(`${RBAC}/clusterroles/admin`);
      return has(r, "rolebindings", "create") && has(r, "pods", "delete") && has(r, "pods", "list")
        ? r
        : undefined;
    });
    expect(has(admin, "secrets", "create")).toBe(true);
    const view = await cp.client.get<Role>(`${RBAC}/clusterroles/view`);
    expect(has(view, "pods", "list")).toBe(true);
    expect(has(view, "secrets", "get")).toBe(false);
    await cp.client.create(`${RBAC}/clusterroles`, {
      apiVersion: `${G}/v1`,
      kind: "ClusterRole",
      metadata: {
        name: "kt-widgets-view",
        labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" },
      },
      rules: [{ verbs: ["get"], apiGroups: ["example.com"], resources: ["widgets"] }],
    });
    await until("view gains widgets", async () =>
      has(await cp.client.get<Role>(`${RBAC}/clusterroles/view`), "widgets", "get") ? true : undefined,
    );
    await until("admin gains widgets through edit's label", async () =>
      has(await cp.client.get<Role>(`${RBAC}/clusterroles/admin`), "widgets", "get") ? true : undefined,
    );
  } finally {
    await cp.stop();
  }
});

test("a restart reconciles edited defaults unless autoupdate is false", async () => {
  const admin = stack.clientAs("root", ["system:masters"]);
  type Binding = { metadata: { annotations?: Record<string, string> }; subjects?: { name: string }[] };
  const path = `${RBAC}/clusterrolebindings/system:kube-scheduler`;
  const cur = await admin.get<Binding>(path);
  await admin.update(path, { ...cur, subjects: [{ kind: "User", apiGroup: G, name: "kt-extra" }] });
  const dns = await admin.get<{ rules: unknown[] }>(`${RBAC}/clusterroles/system:kube-dns`);
  await admin.update(`${RBAC}/clusterroles/system:kube-dns`, { ...dns, rules: [] });
  expect(await ensureBootstrapPolicy(stack.ctx)).toEqual([
    "reconciled clusterroles system:kube-dns",
    "reconciled clusterrolebindings system:kube-scheduler",
  ]);
  expect((await admin.get<Binding>(path)).subjects?.map((s) => s.name)).toEqual([
    "kt-extra",
    "system:kube-scheduler",
  ]);
  expect((await admin.get<{ rules: unknown[] }>(`${RBAC}/clusterroles/system:kube-dns`)).rules).toEqual(
    dns.rules,
  );
  const kept = await admin.get<Binding>(path);
  await admin.update(path, {
    ...kept,
    metadata: { ...kept.metadata, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "false" } },
    subjects: [],
  });
  expect(await ensureBootstrapPolicy(stack.ctx)).toEqual([]);
  expect((await admin.get<Binding>(path)).subjects).toEqual([]);
});
