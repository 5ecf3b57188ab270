// Authorization end to end (modes Node,RBAC): the default policy, RBAC decisions as bindings
// change, the real `kubectl auth can-i` (--list, --as) and `auth whoami`, access reviews,
// escalation checks (allowed, denied with upstream's message, nothing stored), the Node
// authorizer and NodeRestriction.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { isStatus } from "../../lib/client/api-client.ts";
import { StatusError } from "../../lib/errors/status-error.ts";
import { kubectlBinary } from "../harness/kubectl.ts";
import { until } from "../harness/until.ts";
import { type AuthzStack, startAuthzStack } from "./authz-stack.ts";

let stack: AuthzStack;
const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const G = "rbac.authorization.k8s.io";

beforeAll(async () => {
  stack = await startAuthzStack(["Node", "RBAC"]);
});

afterAll(async () => {
  await stack?.stop();
});

const admin = () => stack.clientAs("root", ["system:masters"]);

async function status(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error("expected the request to fail");
}

async function ensureNamespace(name: string): Promise<void> {
  await admin()
    .create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } })
    .catch((e: unknown) => {
      if (!isStatus(e, 409)) throw e;
    });
}

describe("default policy", () => {
  test("cluster roles and bindings exist with upstream's labels and annotations", async () => {
    const role = await admin().get<{
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      rules: unknown[];
    }>(`${RBAC}/clusterroles/system:node`);
    expect(role.metadata.labels["kubernetes.io/bootstrapping"]).toBe("rbac-defaults");
    expect(role.metadata.annotations["rbac.authorization.kubernetes.io/autoupdate"]).toBe("true");
    const crb = await admin().get<{ subjects: unknown[] }>(`${RBAC}/clusterrolebindings/cluster-admin`);
    expect(crb.subjects).toEqual([{ kind: "Group", apiGroup: G, name: "system:masters" }]);
    await admin().get(`${RBAC}/namespaces/kube-system/roles/system::leader-locking-kube-scheduler`);
  });

  test("anonymous may read /version and /healthz, not /api", async () => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${stack.url}${path}`, { headers, tls: { rejectUnauthorized: false } });
    expect((await get("/version")).status).toBe(200);
    expect((await get("/healthz")).status).toBe(200);
    const denied = await get("/api");
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { message: string }).message).toBe(
      'forbidden: User "system:anonymous" cannot get path "/api"',
    );
    expect((await get("/api", { authorization: "Bearer alice" })).status).toBe(200);
  });

  test("the scheduler and controller manager identities have their roles", async () => {
    const scheduler = stack.clientAs("system:kube-scheduler");
    await scheduler.list("/api/v1/nodes");
    expect((await status(scheduler.list("/api/v1/secrets"))).code).toBe(403);
    const kcm = stack.clientAs("system:kube-controller-manager");
    await kcm.list("/api/v1/secrets");
    await kcm.create("/api/v1/namespaces/default/configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kt-root-ca" },
    });
  });
});

describe("RBAC decisions and kubectl", () => {
  test("kubectl auth can-i follows a new RoleBinding", async () => {
    if (!kubectlBinary()) return;
    await ensureNamespace("kt-ns1");
    const alice = stack.kubectlAs("alice", ["devs"]);
    let r = await alice(["auth", "can-i", "list", "pods", "-n", "kt-ns1"]);
    expect(r.stdout.trim()).toBe("no");
    expect(r.code).toBe(1);
    await admin().create(`${RBAC}/namespaces/kt-ns1/rolebindings`, {
      apiVersion: `${G}/v1`,
      kind: "RoleBinding",
      metadata: { name: "devs-edit" },
      roleRef: { apiGroup: G, kind: "ClusterRole", name: "edit" },
      subjects: [{ kind: "Group", apiGroup: G, name: "devs" }],
    });
    // `edit` is filled by the aggregation controller, absent here: bind a plain role too.
    await admin().create(`${RBAC}/namespaces/kt-ns1/roles`, {
      apiVersion: `${G}/v1`,
      kind: "Role",
      metadata: { name: "pod-reader" },
      rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }],
    });
    await admin().create(`${RBAC}/namespaces/kt-ns1/rolebindings`, {
      apiVersion: `${G}/v1`,
      kind: "RoleBinding",
      metadata: { name: "alice-pods" },
      roleRef: { apiGroup: G, kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "User", apiGroup: G, name: "alice" }],
    });
    await until("alice may list pods", async () => {
      const out = await alice(["auth", "can-i", "list", "pods", "-n", "kt-ns1"]);
      return out.stdout.trim() === "yes" ? true : undefined;
    });
    r = await alice(["auth", "can-i", "delete", "pods", "-n", "kt-ns1"]);
    expect(r.stdout.trim()).toBe("no");
    r = await alice(["get", "pods", "-n", "kt-ns1", "-o", "json"]);
    expect(r.code).toBe(0);
    r = await alice(["get", "pods", "-n", "default", "-o", "json"]);
    expect(r.stderr).toContain(
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    r = await alice(["auth", "can-i", "--list", "-n", "kt-ns1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    expect(r.stdout).toMatch(/\npods\s+\[\]\s+\[\]\s+\[get list\]\n/);
    expect(r.stdout).toContain("selfsubjectaccessreviews.authorization.k8s.io");
    r = await stack.kubectlAs("root", ["system:masters"])([
      "auth",
      "can-i",
      "list",
      "pods",
      "-n",
      "kt-ns1",
      "--as",
      "alice",
    ]);
    expect(r.stdout.trim()).toBe("yes");
    r = await alice(["auth", "can-i", "list", "pods", "--as", "bob"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('users "bob" is forbidden: User "alice" cannot impersonate resource "users"');
  });

  test("kubectl auth whoami shows the requester", async () => {
    if (!kubectlBinary()) return;
    const r = await stack.kubectlAs("carol", ["team-a"])(["auth", "whoami"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Username\s+carol\n/);
    expect(r.stdout).toMatch(/Groups\s+\[team-a system:authenticated\]/);
  });

  test("SubjectAccessReview and LocalSubjectAccessReview", async () => {
    const sar = await admin().create<{ status: { allowed: boolean; reason?: string } }>(
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
      {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: "x",
          groups: ["system:masters"],
          nonResourceAttributes: { path: "/metrics", verb: "get" },
        },
      },
    );
    expect(sar.status.allowed).toBe(true);
    const denied = await admin().create<{ status: { allowed: boolean } }>(
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
      {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: "nobody",
          resourceAttributes: { verb: "get", resource: "secrets", namespace: "default" },
        },
      },
    );
    expect(denied.status).toEqual({ allowed: false });
    const bad = await status(
      admin().create("/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: { resourceAttributes: { verb: "get", resource: "pods" } },
      }),
    );
    expect(bad.code).toBe(422);
    const neither = await status(
      admin().create("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: {},
      }),
    );
    expect(neither.message).toContain(
      'spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    expect(bad.message).toContain(
      'spec.user: Invalid value: "": at least one of user or group must be specified',
    );
    const local = await status(
      admin().create("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "LocalSubjectAccessReview",
        spec: { user: "x", resourceAttributes: { verb: "get", resource: "pods", namespace: "other" } },
      }),
    );
    expect(local.code).toBe(422);
    expect(local.message).toContain(
      'spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace',
    );
  });
});
