// The Table envelope as the apiserver returns it (response.go asTable, tablegenerator.go, rest/table.go),
// including the spec's observed `get pods` sample and the JSON encoding details kubectl depends on.

import { describe, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { hasPrinter, printerFor } from "./printer-for.ts";
import { toTable } from "./to-table.ts";

const now = new Date("2024-06-01T17:00:00Z");
const pod: Pod = {
  metadata: {
    name: "hello-pod",
    namespace: "default",
    uid: "6b1c",
    resourceVersion: "1010",
    creationTimestamp: "2024-06-01T12:00:00Z",
    labels: { app: "hello" },
  },
  spec: { nodeName: "n1", containers: [{ name: "hello", image: "nginx" }] },
  status: {
    phase: "Running",
    podIPs: [{ ip: "10.244.0.11" }],
    conditions: [{ type: "Ready", status: "True" }],
    containerStatuses: [
      { name: "hello", image: "nginx", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
    ],
  },
};

describe("toTable", () => {
  test("pods as in the observed wire sample", () => {
    const table = toTable({ apiVersion: "v1", kind: "Pod", objects: [pod], now, resourceVersion: "1016" });
    expect(table.kind).toBe("Table");
    expect(table.apiVersion).toBe("meta.k8s.io/v1");
    expect(table.metadata).toEqual({ resourceVersion: "1016" });
    expect(table.columnDefinitions?.map((c) => c.name)).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
      "IP",
      "Node",
      "Nominated Node",
      "Readiness Gates",
    ]);
    expect(table.rows).toEqual([
      {
        cells: ["hello-pod", "1/1", "Running", "0", "5h", "10.244.0.11", "n1", "<none>", "<none>"],
        object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: pod.metadata },
      },
    ]);
    const json = JSON.parse(JSON.stringify(table));
    expect(json.columnDefinitions[0]).toEqual({
      name: "Name",
      type: "string",
      format: "name",
      description: expect.stringContaining("Name must be unique within a namespace."),
      priority: 0,
    });
    expect(json.columnDefinitions[1]).toEqual({
      name: "Ready",
      type: "string",
      format: "",
      description: "The aggregate readiness state of this pod for accepting traffic.",
      priority: 0,
    });
  });

  test("includeObject Object, None; paging metadata; noHeaders; v1beta1", () => {
    const full = toTable({ apiVersion: "v1", kind: "PodList", objects: [pod], now, includeObject: "Object" });
    expect(full.rows?.[0]?.object).toBe(pod);
    const none = toTable({
      apiVersion: "v1",
      kind: "Pod",
      objects: [pod],
      now,
      includeObject: "None",
      noHeaders: true,
      continue: "tok",
      remainingItemCount: 0,
    });
    expect(none.columnDefinitions).toBeNull();
    expect(none.rows?.[0]?.object).toBeNull();
    expect(JSON.stringify(none.rows?.[0])).toContain('"object":null');
    expect(none.metadata).toEqual({ continue: "tok", remainingItemCount: 0 });
    const beta = toTable({ apiVersion: "v1", kind: "Pod", objects: [pod], now, tableVersion: "v1beta1" });
    expect(beta.apiVersion).toBe("meta.k8s.io/v1beta1");
    expect(beta.rows?.[0]?.object).toMatchObject({ apiVersion: "meta.k8s.io/v1beta1" });
  });

  test("unset creationTimestamp is encoded as null in PartialObjectMetadata", () => {
    const table = toTable({
      apiVersion: "v1",
      kind: "ConfigMap",
      objects: [{ metadata: { name: "c" } }],
      now,
    });
    expect(table.rows?.[0]?.object).toEqual({
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: { name: "c", creationTimestamp: null },
    });
  });

  test("terminal pods carry row conditions", () => {
    const done = { ...pod, status: { phase: "Succeeded" } };
    expect(toTable({ apiVersion: "v1", kind: "Pod", objects: [done], now }).rows?.[0]?.conditions).toEqual([
      {
        type: "Completed",
        status: "True",
        reason: "Succeeded",
        message: "The pod has completed successfully.",
      },
    ]);
  });

  test("empty lists: [] from printers, null from the default convertor", () => {
    expect(toTable({ apiVersion: "apps/v1", kind: "Deployment", objects: [], now }).rows).toEqual([]);
    expect(
      toTable({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", objects: [], now }).rows,
    ).toBeNull();
  });

  test("custom resources: the CRD's printer columns, or NAME and AGE when it has none", () => {
    const widget = {
      metadata: { name: "w", creationTimestamp: "2024-06-01T16:00:00Z" },
      spec: { size: "L" },
    };
    const base = { apiVersion: "example.com/v1", kind: "Widget", objects: [widget], now };
    expect(toTable({ ...base, customResourceColumns: [] }).rows?.[0]?.cells).toEqual(["w", "60m"]);
    const sized = toTable({
      ...base,
      customResourceColumns: [{ name: "Size", type: "string", jsonPath: ".spec.size" }],
    });
    expect(sized.columnDefinitions?.map((c) => c.name)).toEqual(["Name", "Size"]);
    expect(sized.rows?.[0]?.cells).toEqual(["w", "L"]);
    expect(toTable(base).columnDefinitions?.map((c) => c.name)).toEqual(["Name", "Created At"]);
  });

  test("the default convertor: Name and Created At (date, RFC3339 UTC)", () => {
    const table = toTable({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      objects: [
        { metadata: { name: "admin", creationTimestamp: "2024-06-01T14:03:04.123+02:00" } },
        { metadata: { name: "unset" } },
      ],
      now,
    });
    expect(table.columnDefinitions?.map((c) => [c.name, c.type, c.format])).toEqual([
      ["Name", "string", "name"],
      ["Created At", "date", ""],
    ]);
    expect(table.rows?.map((r) => r.cells)).toEqual([
      ["admin", "2024-06-01T12:03:04Z"],
      ["unset", "0001-01-01T00:00:00Z"],
    ]);
  });
});

test("printerFor covers every built-in kind the apiserver serves", () => {
  const served: Array<[string, string]> = [
    ["", "Pod"],
    ["", "PodTemplate"],
    ["", "ReplicationController"],
    ["", "Service"],
    ["", "Endpoints"],
    ["", "Node"],
    ["", "Namespace"],
    ["", "Event"],
    ["", "Secret"],
    ["", "ServiceAccount"],
    ["", "ConfigMap"],
    ["", "ResourceQuota"],
    ["", "PersistentVolume"],
    ["", "PersistentVolumeClaim"],
    ["", "ComponentStatus"],
    ["apps", "Deployment"],
    ["apps", "ReplicaSet"],
    ["apps", "DaemonSet"],
    ["apps", "StatefulSet"],
    ["apps", "ControllerRevision"],
    ["batch", "Job"],
    ["batch", "CronJob"],
    ["autoscaling", "HorizontalPodAutoscaler"],
    ["coordination.k8s.io", "Lease"],
    ["discovery.k8s.io", "EndpointSlice"],
    ["events.k8s.io", "Event"],
    ["networking.k8s.io", "Ingress"],
    ["networking.k8s.io", "IngressClass"],
    ["networking.k8s.io", "NetworkPolicy"],
    ["policy", "PodDisruptionBudget"],
    ["rbac.authorization.k8s.io", "RoleBinding"],
    ["rbac.authorization.k8s.io", "ClusterRoleBinding"],
    ["storage.k8s.io", "StorageClass"],
    ["scheduling.k8s.io", "PriorityClass"],
    ["node.k8s.io", "RuntimeClass"],
  ];
  for (const [group, kind] of served)
    expect([group, kind, hasPrinter(group, kind)]).toEqual([group, kind, true]);
  // upstream has no printer for these: they use Name + Created At
  for (const [group, kind] of [
    ["", "LimitRange"],
    ["storage.k8s.io", "CSIStorageCapacity"],
    ["rbac.authorization.k8s.io", "Role"],
    ["rbac.authorization.k8s.io", "ClusterRole"],
    ["apiextensions.k8s.io", "CustomResourceDefinition"],
    ["example.com", "Widget"],
  ] as const) {
    expect(printerFor(group, kind).columns.map((c) => c.name)).toEqual(["Name", "Created At"]);
  }
});
