import { describe, expect, test } from "bun:test";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import type { JsonObject } from "../patch/json-value.ts";
import { type ManagedFieldsEntry, readManagedFields } from "./managed-fields-entry.ts";
import { type OwnLeavesWriter, ownLeavesWrite } from "./own-leaves-write.ts";
import { updateManagedFields } from "./update-managed-fields.ts";

const podMeta = patchMetaFor("v1", "Pod");
const leaseMeta = patchMetaFor("coordination.k8s.io/v1", "Lease");
const t1 = new Date("2026-12-07T10:00:00Z");
const t2 = new Date("2026-12-07T10:00:10Z");

function entry(
  manager: string,
  fieldsV1: JsonObject,
  extra: Partial<ManagedFieldsEntry> = {},
): ManagedFieldsEntry {
  return {
    manager,
    operation: "Update",
    apiVersion: "v1",
    time: "2026-12-07T09:00:00Z",
    fieldsType: "FieldsV1",
    fieldsV1,
    ...extra,
  };
}

function writer(manager: string, subresource?: string): OwnLeavesWriter {
  return { manager, operation: "Update", apiVersion: "v1", subresource, time: "2026-12-07T10:00:10Z" };
}

function pod(ready: string, containers: JsonObject[] = [{ name: "a", ready: ready === "True" }]): JsonObject {
  return {
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: ready }],
      containerStatuses: containers,
    },
  };
}

const kubeletStatus = {
  "f:status": {
    "f:conditions": { 'k:{"type":"Ready"}': { ".": {}, "f:status": {}, "f:type": {} } },
    "f:containerStatuses": { "f:ready": {}, "f:name": {} },
    "f:phase": {},
  },
};

describe("ownLeavesWrite", () => {
  test("a write changing only the writer's leaves keeps every entry and bumps the writer's time", () => {
    const entries = [
      entry("creator", { "f:spec": { "f:x": {} } }),
      entry("kubelet", kubeletStatus, { subresource: "status" }),
    ];
    const result = ownLeavesWrite(
      pod("False", []),
      pod("True", []),
      entries,
      writer("kubelet", "status"),
      podMeta,
    );
    expect(result).toEqual([
      entries[0] as ManagedFieldsEntry,
      { ...(entries[1] as ManagedFieldsEntry), time: "2026-12-07T10:00:10Z" },
    ]);
    expect(result?.[0]).toBe(entries[0]);
  });

  test("a write that changes no managed leaf keeps the entries as they are", () => {
    const entries = [entry("kubelet", kubeletStatus, { subresource: "status" })];
    const same = { metadata: { resourceVersion: "2" }, ...pod("True", []) };
    const old = { metadata: { resourceVersion: "1" }, ...pod("True", []) };
    expect(ownLeavesWrite(old, same, entries, writer("kubelet", "status"), podMeta)).toEqual(entries);
  });

  const cases: [string, JsonObject, JsonObject, ManagedFieldsEntry[], OwnLeavesWriter][] = [
    [
      "a field is added",
      pod("False", []),
      { status: { ...(pod("False", []).status as JsonObject), podIP: "10.0.0.1" } },
      [entry("kubelet", kubeletStatus)],
      writer("kubelet"),
    ],
    [
      "a field is removed",
      pod("False", []),
      { status: { conditions: [{ type: "Ready", status: "True" }], containerStatuses: [] } },
      [entry("kubelet", kubeletStatus)],
      writer("kubelet"),
    ],
    [
      "a keyed list gains an item",
      pod("False", []),
      pod("False", [{ name: "a", ready: true }]),
      [entry("kubelet", kubeletStatus)],
      writer("kubelet"),
    ],
    [
      "a keyed list's items change keys",
      pod("True", [{ name: "a", ready: true }]),
      pod("True", [{ name: "b", ready: true }]),
      [entry("kubelet", kubeletStatus)],
      writer("kubelet"),
    ],
    [
      "a keyed list's items are reordered",
      pod("True", [{ name: "a" }, { name: "b" }]),
      pod("True", [{ name: "b" }, { name: "a" }]),
      [entry("kubelet", kubeletStatus)],
      writer("kubelet"),
    ],
    [
      "a leaf becomes an object",
      { spec: { x: 1 } },
      { spec: { x: { y: 1 } } },
      [entry("kubelet", { "f:spec": { "f:x": {} } })],
      writer("kubelet"),
    ],
    [
      "a field is set to null",
      { spec: { x: 1, y: 2 } },
      { spec: { x: null, y: 2 } },
      [entry("kubelet", { "f:spec": { "f:x": {}, "f:y": {} } })],
      writer("kubelet"),
    ],
    [
      "another manager owns the changed leaf",
      { spec: { x: 1 } },
      { spec: { x: 2 } },
      [entry("other", { "f:spec": { "f:x": {} } }), entry("kubelet", { "f:spec": { "f:y": {} } })],
      writer("kubelet"),
    ],
    [
      "another manager shares the changed leaf (an Apply entry)",
      { spec: { x: 1 } },
      { spec: { x: 2 } },
      [
        entry("applier", { "f:spec": { "f:x": {} } }, { operation: "Apply" }),
        entry("kubelet", { "f:spec": { "f:x": {} } }),
      ],
      writer("kubelet"),
    ],
    [
      "the writer owns the leaf only through its Apply entry",
      { spec: { x: 1 } },
      { spec: { x: 2 } },
      [entry("kubelet", { "f:spec": { "f:x": {} } }, { operation: "Apply" })],
      writer("kubelet"),
    ],
    [
      "the writer owns the leaf only from the main resource (a status write)",
      { spec: { x: 1 } },
      { spec: { x: 2 } },
      [entry("kubelet", { "f:spec": { "f:x": {} } })],
      writer("kubelet", "status"),
    ],
    ["the writer has no entry", { spec: { x: 1 } }, { spec: { x: 2 } }, [], writer("kubelet")],
    [
      "an entry owns nothing (the full path drops it)",
      { spec: { x: 1 } },
      { spec: { x: 2 } },
      [entry("kubelet", { "f:spec": { "f:x": {} } }), entry("empty", {})],
      writer("kubelet"),
    ],
  ];
  for (const [name, before, after, entries, who] of cases) {
    test(`not taken when ${name}`, () => {
      expect(ownLeavesWrite(before, after, entries, who, podMeta)).toBeUndefined();
    });
  }
});

describe("updateManagedFields with the fast path", () => {
  function lease(renewTime: string): JsonObject {
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "n1", namespace: "kube-node-lease", resourceVersion: renewTime },
      spec: { holderIdentity: "n1", leaseDurationSeconds: 40, renewTime },
    };
  }

  test("a Lease renewal by its holder only moves the holder's time", () => {
    const created = updateManagedFields(
      undefined,
      lease("r1"),
      "kubelet",
      "Update",
      "coordination.k8s.io/v1",
      { meta: leaseMeta, now: t1 },
    );
    const renewed = updateManagedFields(created, lease("r2"), "kubelet", "Update", "coordination.k8s.io/v1", {
      meta: leaseMeta,
      now: t2,
    });
    expect(readManagedFields(renewed)).toEqual([
      { ...(readManagedFields(created)[0] as ManagedFieldsEntry), time: "2026-12-07T10:00:10Z" },
    ]);
    expect((renewed.spec as JsonObject).renewTime).toBe("r2");
  });

  test("the writer's entry is written in FieldsV1's sorted form, as the full path writes it", () => {
    const before = { ...lease("r1") };
    before.metadata = {
      ...(before.metadata as JsonObject),
      managedFields: [
        entry(
          "kubelet",
          { "f:spec": { "f:renewTime": {}, "f:holderIdentity": { ".": {} } } },
          { apiVersion: "coordination.k8s.io/v1" },
        ),
      ] as unknown as JsonObject[],
    };
    const renewed = updateManagedFields(before, lease("r2"), "kubelet", "Update", "coordination.k8s.io/v1", {
      meta: leaseMeta,
      now: t2,
    });
    expect(JSON.stringify(readManagedFields(renewed)[0]?.fieldsV1)).toBe(
      '{"f:spec":{"f:holderIdentity":{},"f:renewTime":{}}}',
    );
  });
});
