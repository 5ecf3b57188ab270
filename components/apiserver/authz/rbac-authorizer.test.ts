// RBAC evaluation: the rule matchers (upstream's rbac_test.go and evaluation_helpers cases),
// subjects of every kind, RoleBindings to Roles and ClusterRoles, missing roles as reasons.
import { describe, expect, test } from "bun:test";
import type { PolicyRule } from "kubernetes-types/rbac/v1";
import { busyMs } from "../../../test/harness/busy-ms.ts";
import type { UserInfo } from "../authn/user-info.ts";
import type { Stored } from "../registry/object.ts";
import type { Attributes } from "./authorizer.ts";
import { covers, ruleAllows } from "./policy-rule.ts";
import { RbacAuthorizer } from "./rbac-authorizer.ts";

const G = "rbac.authorization.k8s.io";
const alice: UserInfo = { username: "alice", groups: ["devs", "system:authenticated"] };

function res(user: UserInfo, verb: string, resource: string, more: Partial<Attributes> = {}): Attributes {
  return {
    user,
    verb,
    isResourceRequest: true,
    path: "",
    apiGroup: "",
    apiVersion: "v1",
    namespace: "ns1",
    resource,
    subresource: "",
    name: "",
    ...more,
  };
}

function url(user: UserInfo, verb: string, path: string): Attributes {
  return { ...res(user, verb, ""), isResourceRequest: false, path, namespace: "" };
}

function stored(obj: Record<string, unknown>): Stored {
  return obj as unknown as Stored;
}

function setup(): RbacAuthorizer {
  const a = new RbacAuthorizer();
  const i = a.index;
  i.onClusterRole({
    type: "set",
    obj: stored({
      metadata: { name: "pod-reader" },
      rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"] }],
    }),
  });
  i.onClusterRole({
    type: "set",
    obj: stored({
      metadata: { name: "health" },
      rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/logs/*"] }],
    }),
  });
  i.onRole({
    type: "set",
    obj: stored({
      metadata: { name: "cm-writer", namespace: "ns1" },
      rules: [{ verbs: ["update"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["app"] }],
    }),
  });
  i.onClusterRoleBinding({
    type: "set",
    obj: stored({
      metadata: { name: "devs-health" },
      roleRef: { apiGroup: G, kind: "ClusterRole", name: "health" },
      subjects: [{ kind: "Group", apiGroup: G, name: "devs" }],
    }),
  });
  i.onRoleBinding({
    type: "set",
    obj: stored({
      metadata: { name: "alice-pods", namespace: "ns1" },
      roleRef: { apiGroup: G, kind: "ClusterRole", name: "pod-reader" },
      subjects: [{ kind: "User", apiGroup: G, name: "alice" }],
    }),
  });
  i.onRoleBinding({
    type: "set",
    obj: stored({
      metadata: { name: "sa-cm", namespace: "ns1" },
      roleRef: { apiGroup: G, kind: "Role", name: "cm-writer" },
      subjects: [{ kind: "ServiceAccount", name: "builder" }],
    }),
  });
  return a;
}

describe("rule matching", () => {
  test("verbs, groups, resources, subresources, names", () => {
    const r: PolicyRule = { verbs: ["get"], apiGroups: ["apps"], resources: ["deployments", "*/scale"] };
    const a = res(alice, "get", "deployments", { apiGroup: "apps" });
    expect(ruleAllows(a, r)).toBe(true);
    expect(ruleAllows({ ...a, verb: "list" }, r)).toBe(false);
    expect(ruleAllows({ ...a, apiGroup: "" }, r)).toBe(false);
    expect(ruleAllows({ ...a, resource: "replicasets", subresource: "scale" }, r)).toBe(true);
    expect(ruleAllows({ ...a, subresource: "status" }, r)).toBe(false);
    const named: PolicyRule = { ...r, resourceNames: ["web"] };
    expect(ruleAllows({ ...a, name: "web" }, named)).toBe(true);
    expect(ruleAllows({ ...a, name: "db" }, named)).toBe(false);
    expect(ruleAllows({ ...a, verb: "list" }, { verbs: ["*"], apiGroups: ["*"], resources: ["*"] })).toBe(
      true,
    );
  });

  test("non-resource URLs with a trailing star", () => {
    const r: PolicyRule = { verbs: ["get"], nonResourceURLs: ["/apis/*", "/version"] };
    expect(ruleAllows(url(alice, "get", "/apis/apps/v1"), r)).toBe(true);
    expect(ruleAllows(url(alice, "get", "/version"), r)).toBe(true);
    expect(ruleAllows(url(alice, "get", "/version/"), r)).toBe(false);
    expect(ruleAllows(url(alice, "post", "/apis"), r)).toBe(false);
  });

  test("covers breaks rules down and names what is missing", () => {
    const owner: PolicyRule[] = [
      { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "*/status"] },
    ];
    expect(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["pods", "nodes/status"] }])).toEqual(
      [],
    );
    expect(covers(owner, [{ verbs: ["get", "delete"], apiGroups: [""], resources: ["pods"] }])).toEqual([
      { verbs: ["delete"], apiGroups: [""], resources: ["pods"] },
    ]);
    // A rule limited to names does not cover the whole resource.
    const named: PolicyRule[] = [
      { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] },
    ];
    expect(covers(named, [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }])).toHaveLength(1);
    expect(
      covers(named, [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] }]),
    ).toEqual([]);
  });
});

describe("RbacAuthorizer", () => {
  test("a RoleBinding to a ClusterRole allows in its namespace only, with upstream's reason", () => {
    const a = setup();
    expect(a.authorize(res(alice, "get", "pods"))).toEqual({
      decision: "allow",
      reason: 'RBAC: allowed by RoleBinding "alice-pods/ns1" of ClusterRole "pod-reader" to User "alice"',
    });
    expect(a.authorize(res(alice, "get", "pods", { subresource: "log" })).decision).toBe("allow");
    expect(a.authorize(res(alice, "get", "pods", { namespace: "ns2" })).decision).toBe("noOpinion");
    expect(a.authorize(res(alice, "delete", "pods")).decision).toBe("noOpinion");
    expect(a.authorize(res(alice, "get", "pods", { subresource: "exec" })).decision).toBe("noOpinion");
  });

  test("a group's ClusterRoleBinding gives non-resource URLs", () => {
    const a = setup();
    expect(a.authorize(url(alice, "get", "/logs/kube.log"))).toEqual({
      decision: "allow",
      reason: 'RBAC: allowed by ClusterRoleBinding "devs-health" of ClusterRole "health" to Group "devs"',
    });
    expect(a.authorize(url({ username: "bob", groups: [] }, "get", "/healthz")).decision).toBe("noOpinion");
  });

  test("a ServiceAccount subject without namespace is the binding's namespace; resourceNames", () => {
    const a = setup();
    const sa: UserInfo = {
      username: "system:serviceaccount:ns1:builder",
      groups: ["system:serviceaccounts"],
    };
    expect(a.authorize(res(sa, "update", "configmaps", { name: "app" })).decision).toBe("allow");
    expect(a.authorize(res(sa, "update", "configmaps", { name: "other" })).decision).toBe("noOpinion");
    const other: UserInfo = { username: "system:serviceaccount:ns2:builder", groups: [] };
    expect(a.authorize(res(other, "update", "configmaps", { name: "app" })).decision).toBe("noOpinion");
  });

  test("a binding to a missing role is the reason; changes and deletes apply at once", () => {
    const a = setup();
    const binding = stored({
      metadata: { name: "ghost", namespace: "ns1" },
      roleRef: { apiGroup: G, kind: "ClusterRole", name: "nope" },
      subjects: [{ kind: "User", apiGroup: G, name: "carol" }],
    });
    a.index.onRoleBinding({ type: "set", obj: binding });
    const carol: UserInfo = { username: "carol", groups: [] };
    expect(a.authorize(res(carol, "get", "pods"))).toEqual({
      decision: "noOpinion",
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "nope" not found',
    });
    a.index.onClusterRole({
      type: "set",
      obj: stored({
        metadata: { name: "nope" },
        rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }],
      }),
    });
    expect(a.authorize(res(carol, "get", "pods")).decision).toBe("allow");
    a.index.onRoleBinding({ type: "delete", obj: binding });
    expect(a.authorize(res(carol, "get", "pods"))).toEqual({ decision: "noOpinion" });
  });

  test("changing a binding's subjects re-indexes it", () => {
    const a = setup();
    a.index.onRoleBinding({
      type: "set",
      obj: stored({
        metadata: { name: "alice-pods", namespace: "ns1" },
        roleRef: { apiGroup: G, kind: "ClusterRole", name: "pod-reader" },
        subjects: [{ kind: "User", apiGroup: G, name: "dave" }],
      }),
    });
    expect(a.authorize(res(alice, "get", "pods")).decision).toBe("noOpinion");
    expect(a.authorize(res({ username: "dave", groups: [] }, "get", "pods")).decision).toBe("allow");
  });

  test("resolveRules lists cluster-wide then namespaced rules", () => {
    const a = setup();
    expect(a.resolveRules(alice, "ns1").rules).toEqual([
      { verbs: ["get"], nonResourceURLs: ["/healthz", "/logs/*"] },
      { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"] },
    ]);
    expect(a.resolveRules(alice, "").rules).toHaveLength(1);
  });

  test("one decision takes microseconds with 2000 bindings", () => {
    const a = setup();
    for (let n = 0; n < 1000; n++) {
      a.index.onClusterRoleBinding({
        type: "set",
        obj: stored({
          metadata: { name: `b${n}` },
          roleRef: { apiGroup: G, kind: "ClusterRole", name: "pod-reader" },
          subjects: [{ kind: "User", apiGroup: G, name: `user${n}` }],
        }),
      });
      a.index.onRoleBinding({
        type: "set",
        obj: stored({
          metadata: { name: `rb${n}`, namespace: `ns${n % 50}` },
          roleRef: { apiGroup: G, kind: "ClusterRole", name: "pod-reader" },
          subjects: [{ kind: "Group", apiGroup: G, name: `group${n}` }],
        }),
      });
    }
    const attrs = res(alice, "delete", "pods");
    const runs = 20000;
    for (let n = 0; n < runs; n++) a.authorize(attrs); // warm up the JIT
    const micros =
      (busyMs(() => {
        for (let n = 0; n < runs; n++) a.authorize(attrs);
      }) *
        1000) /
      runs;
    console.log(`RBAC decision (denied, full walk): ${micros.toFixed(2)} µs`);
    expect(micros).toBeLessThan(50);
  });
});
