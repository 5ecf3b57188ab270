import { describe, expect, test } from "bun:test";
import { patchMetaFor } from "./builtin-patch-meta.ts";
import { PatchError } from "./patch-error.ts";
import type { PatchMeta } from "./patch-meta.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

const deploymentMeta = patchMetaFor("apps/v1", "Deployment");
const nodeMeta = patchMetaFor("v1", "Node");

function deployment(containers: unknown[], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "hello", namespace: "default", labels: { app: "hello" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "hello" } },
      template: { metadata: { labels: { app: "hello" } }, spec: { containers } },
      ...extra,
    },
  };
}

function containersOf(obj: unknown): unknown {
  return (obj as { spec: { template: { spec: { containers: unknown } } } }).spec.template.spec.containers;
}

/** The MergeItem test type of apimachinery's strategicpatch tests, as PatchMeta. */
const mergeItemFields: Record<string, PatchMeta> = {};
const mergeItem: PatchMeta = { fields: mergeItemFields };
Object.assign(mergeItemFields, {
  mergingList: { strategy: "merge", mergeKey: "name", fields: mergeItemFields },
  nonMergingList: { fields: mergeItemFields },
  mergingIntList: { strategy: "merge" },
  replacingItem: { strategy: "replace" },
  retainKeysMap: { retainKeys: true, fields: { mergingList: { strategy: "merge", mergeKey: "name" } } },
  retainKeysMergingList: { strategy: "merge", mergeKey: "name", retainKeys: true },
});

function smp(original: unknown, patch: unknown): unknown {
  return applyStrategicMergePatch(original, patch, mergeItem);
}

function expectPatchError(fn: () => unknown, code: number, message: string | RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    expect((error as PatchError).code).toBe(code);
    if (typeof message === "string") expect((error as PatchError).message).toBe(message);
    else expect((error as PatchError).message).toMatch(message);
    return;
  }
  throw new Error("expected a PatchError");
}

describe("kubectl wire bodies (spec sections 9, 12)", () => {
  test("set image: $setElementOrder keeps both containers, only the image changes", () => {
    const live = deployment([
      { name: "hello", image: "nginx:1.27" },
      { name: "sidecar", image: "busybox", command: ["sleep", "infinity"] },
    ]);
    const patch = {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "hello" }, { name: "sidecar" }],
            containers: [{ image: "hello-world", name: "hello" }],
          },
        },
      },
    };
    expect(containersOf(applyStrategicMergePatch(live, patch, deploymentMeta))).toEqual([
      { name: "hello", image: "hello-world" },
      { name: "sidecar", image: "busybox", command: ["sleep", "infinity"] },
    ]);
  });

  test("set env adds an env list to the named container", () => {
    const live = deployment([{ name: "hello", image: "nginx" }]);
    const patch = {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "hello" }],
            containers: [{ env: [{ name: "FOO", value: "bar" }], name: "hello" }],
          },
        },
      },
    };
    expect(containersOf(applyStrategicMergePatch(live, patch, deploymentMeta))).toEqual([
      { name: "hello", image: "nginx", env: [{ name: "FOO", value: "bar" }] },
    ]);
  });

  test("set env merges into an existing env list by name", () => {
    const live = deployment([
      {
        name: "hello",
        image: "nginx",
        env: [
          { name: "A", value: "1" },
          { name: "FOO", value: "old" },
        ],
      },
    ]);
    const patch = {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "hello" }],
            containers: [{ env: [{ name: "FOO", value: "bar" }], name: "hello" }],
          },
        },
      },
    };
    expect(containersOf(applyStrategicMergePatch(live, patch, deploymentMeta))).toEqual([
      {
        name: "hello",
        image: "nginx",
        env: [
          { name: "A", value: "1" },
          { name: "FOO", value: "bar" },
        ],
      },
    ]);
  });

  test("apply 3-way patch: reorders containers, adds a sidecar, deletes ports, sets last-applied", () => {
    const live = deployment([
      { name: "hello", image: "nginx:1.27", ports: [{ containerPort: 80, protocol: "TCP" }], resources: {} },
    ]);
    const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment"}\n';
    const patch = {
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": lastApplied } },
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "sidecar" }, { name: "hello" }],
            containers: [
              { command: ["sleep", "infinity"], image: "busybox", name: "sidecar" },
              { env: [{ name: "FOO", value: "bar" }], image: "nginx:1.28", name: "hello", ports: null },
            ],
          },
        },
      },
    };
    const result = applyStrategicMergePatch(live, patch, deploymentMeta) as ReturnType<typeof deployment> & {
      metadata: { annotations: Record<string, string> };
    };
    expect(result.metadata.annotations).toEqual({
      "kubectl.kubernetes.io/last-applied-configuration": lastApplied,
    });
    expect(result.metadata.labels).toEqual({ app: "hello" });
    expect(containersOf(result)).toEqual([
      { command: ["sleep", "infinity"], image: "busybox", name: "sidecar" },
      { name: "hello", image: "nginx:1.28", resources: {}, env: [{ name: "FOO", value: "bar" }] },
    ]);
  });

  test("ConfigMap data: null deletes a key, others are set", () => {
    const live = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1", b: "2" } };
    const patch = { data: { a: null, b: "3", c: "4" }, metadata: { annotations: { x: "y" } } };
    expect(applyStrategicMergePatch(live, patch, patchMetaFor("v1", "ConfigMap"))).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", annotations: { x: "y" } },
      data: { b: "3", c: "4" },
    });
  });

  test("rollout pause then resume", () => {
    const live = deployment([{ name: "hello", image: "nginx" }]);
    const paused = applyStrategicMergePatch(live, { spec: { paused: true } }, deploymentMeta) as {
      spec: Record<string, unknown>;
    };
    expect(paused.spec.paused).toBe(true);
    const resumed = applyStrategicMergePatch(paused, { spec: { paused: null } }, deploymentMeta) as {
      spec: Record<string, unknown>;
    };
    expect("paused" in resumed.spec).toBe(false);
    expect(resumed.spec.replicas).toBe(1);
  });

  test("rollout restart adds the restartedAt annotation to the pod template", () => {
    const live = deployment([{ name: "hello", image: "nginx" }]);
    const at = "2026-11-22T02:00:00Z";
    const patch = {
      spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": at } } } },
    };
    const result = applyStrategicMergePatch(live, patch, deploymentMeta) as {
      spec: { template: { metadata: Record<string, unknown> } };
    };
    expect(result.spec.template.metadata).toEqual({
      labels: { app: "hello" },
      annotations: { "kubectl.kubernetes.io/restartedAt": at },
    });
  });

  test("cordon sets spec.unschedulable on a node", () => {
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n2" },
      spec: { podCIDR: "10.244.1.0/24" },
    };
    expect(applyStrategicMergePatch(node, { spec: { unschedulable: true } }, nodeMeta)).toEqual({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n2" },
      spec: { podCIDR: "10.244.1.0/24", unschedulable: true },
    });
  });

  test("edit sends status too: SMP itself merges it (the registry ignores it later)", () => {
    const live = deployment([{ name: "hello", image: "nginx" }], {});
    const result = applyStrategicMergePatch(
      { ...live, status: { replicas: 1 } },
      { spec: { replicas: 5 }, status: { replicas: 5 } },
      deploymentMeta,
    ) as { spec: { replicas: number }; status: { replicas: number } };
    expect(result.spec.replicas).toBe(5);
    expect(result.status.replicas).toBe(5);
  });

  test("label merge through SMP leaves other labels", () => {
    const live = deployment([{ name: "hello", image: "nginx" }]);
    const result = applyStrategicMergePatch(
      live,
      { metadata: { labels: { tier: "web" } } },
      deploymentMeta,
    ) as {
      metadata: { labels: Record<string, string> };
    };
    expect(result.metadata.labels).toEqual({ app: "hello", tier: "web" });
  });

  test("never mutates its inputs", () => {
    const live = deployment([{ name: "hello", image: "nginx" }]);
    const patch = {
      spec: { template: { spec: { containers: [{ name: "hello", image: "x", $patch: "replace" }] } } },
    };
    const liveCopy = structuredClone(live);
    const patchCopy = structuredClone(patch);
    applyStrategicMergePatch(live, patch, deploymentMeta);
    expect(live).toEqual(liveCopy);
    expect(patch).toEqual(patchCopy);
  });
});

describe("merge keys from the built-in patch meta", () => {
  test("container ports merge by containerPort, volumeMounts by mountPath", () => {
    const live = deployment([
      {
        name: "hello",
        ports: [{ containerPort: 80, name: "http" }],
        volumeMounts: [{ mountPath: "/data", name: "data" }],
      },
    ]);
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "hello",
                ports: [{ containerPort: 80, protocol: "TCP" }],
                volumeMounts: [{ mountPath: "/data", readOnly: true }],
              },
            ],
          },
        },
      },
    };
    expect(containersOf(applyStrategicMergePatch(live, patch, deploymentMeta))).toEqual([
      {
        name: "hello",
        ports: [{ containerPort: 80, name: "http", protocol: "TCP" }],
        volumeMounts: [{ mountPath: "/data", name: "data", readOnly: true }],
      },
    ]);
  });

  test("tolerations have no merge key: the list is replaced", () => {
    const pod = { spec: { tolerations: [{ key: "a", operator: "Exists" }], containers: [] } };
    const result = applyStrategicMergePatch(
      pod,
      { spec: { tolerations: [{ key: "b", operator: "Exists" }] } },
      patchMetaFor("v1", "Pod"),
    );
    expect(result).toEqual({ spec: { tolerations: [{ key: "b", operator: "Exists" }], containers: [] } });
  });

  test("finalizers merge as a set", () => {
    const obj = { metadata: { finalizers: ["a", "b"] } };
    expect(applyStrategicMergePatch(obj, { metadata: { finalizers: ["b", "c"] } }, deploymentMeta)).toEqual({
      metadata: { finalizers: ["a", "b", "c"] },
    });
  });

  test("service ports merge by port", () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const result = applyStrategicMergePatch(
      svc,
      { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      patchMetaFor("v1", "Service"),
    );
    expect(result).toEqual({ spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } });
  });

  test("ownerReferences merge by uid, conditions by type", () => {
    const pod = {
      metadata: { ownerReferences: [{ uid: "1", name: "rs" }] },
      status: { conditions: [{ type: "Ready", status: "False" }] },
    };
    const patch = {
      metadata: { ownerReferences: [{ uid: "2", name: "other" }] },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    };
    expect(applyStrategicMergePatch(pod, patch, patchMetaFor("v1", "Pod"))).toEqual({
      metadata: {
        ownerReferences: [
          { uid: "2", name: "other" },
          { uid: "1", name: "rs" },
        ],
      },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    });
  });

  test("volumes: $retainKeys switches a volume's source", () => {
    const pod = { spec: { volumes: [{ name: "v", emptyDir: {} }] } };
    const patch = {
      spec: {
        volumes: [{ name: "v", hostPath: { path: "/tmp" }, $retainKeys: ["hostPath", "name"] }],
      },
    };
    expect(applyStrategicMergePatch(pod, patch, patchMetaFor("v1", "Pod"))).toEqual({
      spec: { volumes: [{ name: "v", hostPath: { path: "/tmp" } }] },
    });
  });

  test("deployment strategy: $retainKeys drops rollingUpdate when switching to Recreate", () => {
    const live = deployment([], { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } });
    const patch = { spec: { strategy: { type: "Recreate", rollingUpdate: null, $retainKeys: ["type"] } } };
    const result = applyStrategicMergePatch(live, patch, deploymentMeta) as { spec: { strategy: unknown } };
    expect(result.spec.strategy).toEqual({ type: "Recreate" });
  });

  test("node podCIDRs merge as a set; $deleteFromPrimitiveList removes", () => {
    const node = { spec: { podCIDRs: ["10.0.0.0/24"] } };
    const result = applyStrategicMergePatch(
      node,
      { spec: { podCIDRs: ["fd00::/64"], "$deleteFromPrimitiveList/podCIDRs": ["10.0.0.0/24"] } },
      nodeMeta,
    );
    expect(result).toEqual({ spec: { podCIDRs: ["fd00::/64"] } });
  });
});

describe("upstream strategicpatch cases (apimachinery patch_test.go facts)", () => {
  test("unique scalars when merging lists", () => {
    expect(smp({ mergingIntList: [1, 2] }, { mergingIntList: [2, 3] })).toEqual({
      mergingIntList: [1, 2, 3],
    });
  });

  test("delete map from nested map with $patch: delete", () => {
    expect(smp({ simpleMap: { key1: 1, key2: 1 } }, { simpleMap: { $patch: "delete" } })).toEqual({
      simpleMap: {},
    });
  });

  test("delete all items from merging list with $patch: replace", () => {
    expect(
      smp({ mergingList: [{ name: 1 }, { name: 2 }] }, { mergingList: [{ $patch: "replace" }] }),
    ).toEqual({
      mergingList: [],
    });
  });

  test("merge empty merging lists", () => {
    expect(smp({ mergingList: [] }, { mergingList: [] })).toEqual({ mergingList: [] });
  });

  test("delete all keys from map with $patch: replace", () => {
    expect(smp({ name: 1, value: 1 }, { $patch: "replace" })).toEqual({});
  });

  test("add key and delete all keys from map", () => {
    expect(smp({ name: 1, value: 1 }, { other: "a", $patch: "replace" })).toEqual({ other: "a" });
  });

  test("delete all duplicate entries in a merging list", () => {
    const original = {
      mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: "a" }, { name: 3 }, { name: 3 }],
    };
    const patch = {
      mergingList: [
        { name: 1, $patch: "delete" },
        { name: 3, $patch: "delete" },
      ],
    };
    expect(smp(original, patch)).toEqual({ mergingList: [{ name: 2, value: "a" }] });
  });

  test("retainKeys map without a directive adds, changes and deletes like a plain map", () => {
    expect(smp({ retainKeysMap: { name: "foo" } }, { retainKeysMap: { value: "bar" } })).toEqual({
      retainKeysMap: { name: "foo", value: "bar" },
    });
    expect(smp({ retainKeysMap: { name: "foo", value: "a" } }, { retainKeysMap: { value: null } })).toEqual({
      retainKeysMap: { name: "foo" },
    });
    expect(smp({ retainKeysMap: { name: "foo", value: "a" } }, { retainKeysMap: {} })).toEqual({
      retainKeysMap: { name: "foo", value: "a" },
    });
  });

  test("retainKeys list item can delete a field when no directive is present", () => {
    const original = { retainKeysMergingList: [{ name: "bar" }, { name: "foo", value: "a" }] };
    expect(smp(original, { retainKeysMergingList: [{ name: "foo", value: null }] })).toEqual({
      retainKeysMergingList: [{ name: "bar" }, { name: "foo" }],
    });
  });

  test("retainKeys clears fields the directive does not list (discriminated unions)", () => {
    expect(
      smp({ retainKeysMap: { value: "foo" } }, { retainKeysMap: { $retainKeys: ["other"], other: "bar" } }),
    ).toEqual({
      retainKeysMap: { other: "bar" },
    });
    expect(
      smp(
        { retainKeysMap: { name: "type1", value: "foo" } },
        { retainKeysMap: { $retainKeys: ["name", "other"], name: "type2", other: "bar" } },
      ),
    ).toEqual({ retainKeysMap: { name: "type2", other: "bar" } });
    expect(
      smp(
        { retainKeysMap: { name: "foo", other: "a" } },
        { retainKeysMap: { $retainKeys: ["name", "value"], value: "bar" } },
      ),
    ).toEqual({ retainKeysMap: { name: "foo", value: "bar" } });
  });

  test("preserve the order from the patch in a merging list", () => {
    const original = { mergingList: [{ name: 1 }, { name: 2, value: "b" }, { name: 3 }] };
    const patch = {
      mergingList: [
        { name: 3, value: "c" },
        { name: 1, value: "a" },
        { name: 2, other: "x" },
      ],
    };
    expect(smp(original, patch)).toEqual({
      mergingList: [
        { name: 3, value: "c" },
        { name: 1, value: "a" },
        { name: 2, value: "b", other: "x" },
      ],
    });
  });

  test("preserve the order from the patch in a merging list 2: server-only items keep their place", () => {
    const original = { mergingList: [{ name: 1 }, { name: 2, value: "b" }, { name: 3 }] };
    const patch = {
      mergingList: [
        { name: 3, value: "c" },
        { name: 1, value: "a" },
      ],
    };
    expect(smp(original, patch)).toEqual({
      mergingList: [
        { name: 2, value: "b" },
        { name: 3, value: "c" },
        { name: 1, value: "a" },
      ],
    });
  });

  test("preserve the order from the patch in a merging int list", () => {
    expect(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1, 2] })).toEqual({
      mergingIntList: [3, 1, 2],
    });
    expect(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] })).toEqual({
      mergingIntList: [2, 3, 1],
    });
  });

  test("$setElementOrder may name items the list does not have", () => {
    const patch = {
      "$setElementOrder/mergingList": [{ name: 3 }, { name: 2 }, { name: 1 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    };
    expect(smp({ mergingList: [{ name: 1 }, { name: 3 }] }, patch)).toEqual({
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    });
    expect(smp({ mergingIntList: [1, 3] }, { "$setElementOrder/mergingIntList": [3, 2, 1] })).toEqual({
      mergingIntList: [3, 1],
    });
  });

  test("$setElementOrder must agree with the order of the patch list", () => {
    const patch = {
      "$setElementOrder/mergingList": [{ name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 3, value: 3 },
        { name: 1, value: 1 },
      ],
    };
    expectPatchError(
      () => smp({ mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] }, patch),
      400,
      /doesn't match/,
    );
    expectPatchError(
      () =>
        smp(
          { mergingIntList: [1, 3, 2] },
          { "$setElementOrder/mergingIntList": [1, 2, 3], mergingIntList: [3, 1] },
        ),
      400,
      "The order in patch list:\n[3 1]\n doesn't match $setElementOrder list:\n[1 2 3]\n",
    );
  });

  test("$deleteFromPrimitiveList: absent items, empty and missing lists are left alone", () => {
    expect(smp({ mergingIntList: [1, 2] }, { "$deleteFromPrimitiveList/mergingIntList": [3] })).toEqual({
      mergingIntList: [1, 2],
    });
    expect(smp({ mergingIntList: null }, { "$deleteFromPrimitiveList/mergingIntList": [3] })).toEqual({
      mergingIntList: null,
    });
    expect(smp({ foo: ["bar"] }, { "$deleteFromPrimitiveList/mergingIntList": [3] })).toEqual({
      foo: ["bar"],
    });
  });

  test("$deleteFromPrimitiveList deletes from merging and non-merging lists", () => {
    expect(smp({ mergingIntList: [1, 2, 3] }, { "$deleteFromPrimitiveList/mergingIntList": [2] })).toEqual({
      mergingIntList: [1, 3],
    });
    expect(
      smp({ nonMergingIntList: [1, 2, 3] }, { "$deleteFromPrimitiveList/nonMergingIntList": [2] }),
    ).toEqual({
      nonMergingIntList: [1, 3],
    });
  });

  test("delete items in lists of scalars with $setElementOrder, keeping server-only items", () => {
    const patch = {
      "$setElementOrder/mergingIntList": [1, 2],
      "$deleteFromPrimitiveList/mergingIntList": [3],
    };
    expect(smp({ mergingIntList: [1, 2, 3, 4] }, patch)).toEqual({ mergingIntList: [1, 2, 4] });
    expect(smp({ mergingIntList: [1, 2, 3, 3, 4] }, patch)).toEqual({ mergingIntList: [1, 2, 4] });
  });

  test("merge lists of maps with $setElementOrder (3-way result)", () => {
    const current = {
      mergingList: [
        { name: 1, other: "a" },
        { name: 2, value: 2, other: "b" },
      ],
    };
    const patch = {
      "$setElementOrder/mergingList": [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [
        { name: 4, value: 4 },
        { name: 3, value: 3 },
      ],
    };
    expect(smp(current, patch)).toEqual({
      mergingList: [
        { name: 4, value: 4 },
        { name: 1, other: "a" },
        { name: 2, value: 2, other: "b" },
        { name: 3, value: 3 },
      ],
    });
  });

  test("nested patch merge with a delete of an absent item", () => {
    const patch = {
      "$setElementOrder/mergingList": [{ name: "hello" }, { name: "doesntexist" }],
      mergingList: [{ name: "hello" }, { $patch: "delete", name: "doesntexist" }],
    };
    expect(smp({ name: "hi", mergingList: [{ name: "hello2" }] }, patch)).toEqual({
      name: "hi",
      mergingList: [{ name: "hello" }, { name: "hello2" }],
    });
    expect(smp({ name: "hi" }, { mergingList: patch.mergingList })).toEqual({
      name: "hi",
      mergingList: [{ name: "hello" }],
    });
  });

  test("nulls propagate: a null deletes, unmatched nulls are dropped", () => {
    expect(smp({ name: "a", other: "a" }, { name: 1, value: 1, other: null })).toEqual({ name: 1, value: 1 });
    expect(smp({}, { simpleMap: { a: null, b: "x" } })).toEqual({ simpleMap: { b: "x" } });
  });

  test("replacing item (patchStrategy replace) is not merged", () => {
    expect(smp({ replacingItem: { a: 1, b: 2 } }, { replacingItem: { c: 3 } })).toEqual({
      replacingItem: { c: 3 },
    });
  });

  test("non-merging lists are replaced", () => {
    expect(smp({ nonMergingList: [{ name: 1 }, { name: 2 }] }, { nonMergingList: [{ name: 3 }] })).toEqual({
      nonMergingList: [{ name: 3 }],
    });
  });

  test("a new item goes before server-only items when the patch gives no order", () => {
    expect(smp({ mergingList: [{ name: "a" }, { name: "b" }] }, { mergingList: [{ name: "c" }] })).toEqual({
      mergingList: [{ name: "c" }, { name: "a" }, { name: "b" }],
    });
  });
});

describe("bad input", () => {
  test("a patch that is not an object is a 400", () => {
    expectPatchError(
      () => applyStrategicMergePatch({}, [1], deploymentMeta),
      400,
      "json: cannot unmarshal array into Go value of type map[string]interface {}",
    );
    expectPatchError(() => applyStrategicMergePatch({}, "x", deploymentMeta), 400, /cannot unmarshal string/);
  });

  test("$patch with an unknown value", () => {
    expectPatchError(
      () => smp({ simpleMap: { a: 1 } }, { simpleMap: { $patch: "unknownvalue" } }),
      400,
      "unknown patch type: unknownvalue in map: map[$patch:unknownvalue]",
    );
    expectPatchError(
      () => smp({ mergingList: [{ name: 1 }] }, { mergingList: [{ name: 1, $patch: "unknownvalue" }] }),
      400,
      "unknown patch type: unknownvalue in map: map[$patch:unknownvalue name:1]",
    );
  });

  test("$patch: merge is accepted on maps, refused inside lists", () => {
    expect(smp({ simpleMap: { a: 1 } }, { simpleMap: { $patch: "merge", b: 2 } })).toEqual({
      simpleMap: { a: 1, b: 2 },
    });
    expectPatchError(
      () => smp({ mergingList: [] }, { mergingList: [{ name: 1, $patch: "merge" }] }),
      400,
      "merging lists cannot yet be specified in the patch",
    );
  });

  test("a merge-keyed list item missing its merge key", () => {
    expectPatchError(
      () => smp({ mergingList: [{ name: 1, value: "a" }] }, { mergingList: [{ value: "b" }] }),
      400,
      "map: map[value:b] does not contain declared merge key: name",
    );
    const live = deployment([{ name: "hello", image: "nginx" }]);
    expectPatchError(
      () =>
        applyStrategicMergePatch(
          live,
          { spec: { template: { spec: { containers: [{ image: "x" }] } } } },
          deploymentMeta,
        ),
      400,
      /does not contain declared merge key: name/,
    );
  });

  test("a delete directive without its merge key", () => {
    expectPatchError(
      () => smp({ mergingList: [{ name: 1 }] }, { mergingList: [{ $patch: "delete" }] }),
      400,
      /merge key: name/,
    );
  });

  test("malformed directives", () => {
    expectPatchError(() => smp({}, { $retainKeys: "name" }), 400, "invalid patch format of retainKeys");
    expectPatchError(
      () => smp({ name: 1 }, { $retainKeys: ["name"], value: 2 }),
      400,
      "invalid patch format of retainKeys",
    );
    expectPatchError(
      () => smp({ mergingIntList: [1] }, { "$deleteFromPrimitiveList/mergingIntList": 1 }),
      400,
      "invalid patch format of primitive list",
    );
    expectPatchError(
      () => smp({}, { $setElementOrderX: [] }),
      400,
      "invalid patch format of setElementOrder list",
    );
    expectPatchError(() => smp({}, { "$setElementOrder/mergingList": "x" }), 400, /expected a \[\]interface/);
  });

  test("lists of lists and mixed lists", () => {
    expectPatchError(
      () => smp({ mergingIntList: [[1]] }, { mergingIntList: [[2]] }),
      422,
      "lists of lists are not supported",
    );
    expectPatchError(
      () => smp({ mergingIntList: [1] }, { mergingIntList: ["a"] }),
      400,
      /list element types are not identical/,
    );
  });

  test("an object that is not an object", () => {
    expectPatchError(() => applyStrategicMergePatch([], {}, deploymentMeta), 400, "invalid JSON document");
  });
});
