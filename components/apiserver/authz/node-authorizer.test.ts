// The Node authorizer: identities, the per-node reference counts as pods come, change and go,
// and upstream's reasons for what it has no opinion on.
import { expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import type { UserInfo } from "../authn/user-info.ts";
import type { Stored } from "../registry/object.ts";
import type { Attributes } from "./authorizer.ts";
import { NodeAuthorizer, nodeIdentity, type PodEdges, podEdges } from "./node-authorizer.ts";
import { podReferences } from "./pod-references.ts";

const n1: UserInfo = { username: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };

function attrs(user: UserInfo, verb: string, resource: string, more: Partial<Attributes> = {}): Attributes {
  return {
    user,
    verb,
    isResourceRequest: true,
    path: "",
    apiGroup: "",
    apiVersion: "v1",
    namespace: "ns",
    resource,
    subresource: "",
    name: "",
    ...more,
  };
}

function stored(name: string, node: string | undefined, spec: Partial<Pod["spec"]> = {}): Stored {
  return {
    metadata: { name, namespace: "ns" },
    spec: { nodeName: node, containers: [{ name: "c" }], ...spec },
  } as unknown as Stored;
}

/** The edges the authorizer's cache keeps of a bound pod. */
function pod(name: string, node: string, spec: Partial<Pod["spec"]> = {}): PodEdges {
  const edges = podEdges(stored(name, node, spec));
  if (!edges) throw new Error("a bound pod has edges");
  return edges;
}

test("the cache keeps a bound pod's node and references, nothing of an unbound one", () => {
  expect(podEdges(stored("p", undefined, { serviceAccountName: "sa" }))).toBeUndefined();
  const edges = podEdges(
    stored("p", "n1", { serviceAccountName: "sa", volumes: [{ name: "v", secret: { secretName: "s" } }] }),
  );
  expect(edges).toEqual({ node: "n1", refs: ["secret:ns/s", "serviceaccount:ns/sa"] });
});

test("node identity", () => {
  expect(nodeIdentity(n1)).toBe("n1");
  expect(nodeIdentity({ username: "system:node:n1", groups: [] })).toBeUndefined();
  expect(nodeIdentity({ username: "kubelet", groups: ["system:nodes"] })).toBe("");
});

test("pod references cover env, envFrom, volumes, projected, pull secrets, claims and the account", () => {
  const refs = podReferences({
    metadata: { name: "p", namespace: "ns" },
    spec: {
      serviceAccountName: "sa",
      imagePullSecrets: [{ name: "pull" }],
      containers: [
        {
          name: "c",
          env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "cm1", key: "k" } } }],
          envFrom: [{ secretRef: { name: "s1" } }],
        },
      ],
      volumes: [
        { name: "v1", projected: { sources: [{ configMap: { name: "cm2" } }, { secret: { name: "s2" } }] } },
        { name: "v2", persistentVolumeClaim: { claimName: "data" } },
        { name: "v3", ephemeral: {} },
      ],
    },
  } as Pod);
  expect(refs.sort()).toEqual(
    [
      "configmap:ns/cm1",
      "configmap:ns/cm2",
      "pvc:ns/data",
      "pvc:ns/p-v3",
      "secret:ns/pull",
      "secret:ns/s1",
      "secret:ns/s2",
      "serviceaccount:ns/sa",
    ].sort(),
  );
});

test("access follows pods bound to the node through add, move and delete", () => {
  const a = new NodeAuthorizer();
  const getSecret = (user: UserInfo) => a.authorize(attrs(user, "get", "secrets", { name: "s" }));
  const p = pod("p", "n1", { volumes: [{ name: "v", secret: { secretName: "s" } }] });
  expect(getSecret(n1)).toEqual({
    decision: "noOpinion",
    reason: "no relationship found between node 'n1' and this object",
  });
  a.onPod({ type: "set", obj: p });
  expect(getSecret(n1)).toEqual({ decision: "allow" });
  // Two pods share the secret: one going away keeps it readable.
  const q = pod("q", "n1", { volumes: [{ name: "v", secret: { secretName: "s" } }] });
  a.onPod({ type: "set", obj: q });
  a.onPod({ type: "delete", obj: q });
  expect(getSecret(n1).decision).toBe("allow");
  // Unbound pods give nothing; a rebind moves the access.
  const moved = pod("p", "n2", { volumes: [{ name: "v", secret: { secretName: "s" } }] });
  a.onPod({ type: "set", obj: moved, old: p });
  expect(getSecret(n1).decision).toBe("noOpinion");
  expect(getSecret({ username: "system:node:n2", groups: ["system:nodes"] }).decision).toBe("allow");
});

test("verbs, leases, tokens and the static node rules", () => {
  const a = new NodeAuthorizer();
  a.onPod({ type: "set", obj: pod("p", "n1", { serviceAccountName: "sa" }) });
  expect(a.authorize(attrs(n1, "delete", "secrets", { name: "s" }))).toEqual({
    decision: "noOpinion",
    reason: "can only read resources of this type",
  });
  expect(a.authorize(attrs(n1, "list", "secrets"))).toEqual({
    decision: "noOpinion",
    reason: "No Object name found",
  });
  expect(
    a.authorize(attrs(n1, "create", "serviceaccounts", { name: "sa", subresource: "token" })).decision,
  ).toBe("allow");
  expect(
    a.authorize(attrs(n1, "create", "serviceaccounts", { name: "other", subresource: "token" })).decision,
  ).toBe("noOpinion");
  expect(a.authorize(attrs(n1, "get", "serviceaccounts", { name: "sa" })).reason).toBe(
    "can only create tokens for individual service accounts",
  );
  const lease = { apiGroup: "coordination.k8s.io", namespace: "kube-node-lease" };
  expect(a.authorize(attrs(n1, "update", "leases", { ...lease, name: "n1" })).decision).toBe("allow");
  expect(a.authorize(attrs(n1, "update", "leases", { ...lease, name: "n2" })).reason).toBe(
    "can only access node lease with the same name as the requesting node",
  );
  expect(a.authorize(attrs(n1, "list", "pods", { namespace: "" })).decision).toBe("allow");
  expect(a.authorize(attrs(n1, "update", "pods", { subresource: "status", name: "p" })).decision).toBe(
    "allow",
  );
  expect(a.authorize(attrs(n1, "delete", "nodes", { namespace: "", name: "n1" })).decision).toBe("noOpinion");
  expect(a.authorize(attrs({ username: "alice", groups: [] }, "get", "secrets", { name: "s" }))).toEqual({
    decision: "noOpinion",
  });
  expect(a.authorize(attrs({ username: "kubelet", groups: ["system:nodes"] }, "get", "pods")).reason).toBe(
    'unknown node for user "kubelet"',
  );
});
