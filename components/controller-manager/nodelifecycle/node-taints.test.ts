// Unknown conditions for a silent node and the taints that follow a node's conditions.
import { expect, test } from "bun:test";
import type { Node } from "kubernetes-types/core/v1";
import { reconcileTaints, unknownConditions } from "./node-taints.ts";

const T = "2025-01-01T00:00:00Z";
const node = (ready: string | undefined, extra: Partial<NonNullable<Node["spec"]>> = {}): Node => ({
  metadata: { name: "n", creationTimestamp: T },
  spec: extra,
  status: {
    conditions: ready
      ? [
          { type: "MemoryPressure", status: "False", lastHeartbeatTime: T, lastTransitionTime: T },
          {
            type: "Ready",
            status: ready,
            reason: "KubeletReady",
            lastHeartbeatTime: T,
            lastTransitionTime: T,
          },
        ]
      : [],
  },
});

test("monitored conditions go Unknown with upstream's reason and message; heartbeats stay", () => {
  const conditions = unknownConditions(node("True"), "2025-01-01T00:01:00Z") ?? [];
  const ready = conditions.find((c) => c.type === "Ready");
  expect(ready).toMatchObject({
    status: "Unknown",
    reason: "NodeStatusUnknown",
    message: "Kubelet stopped posting node status.",
    lastHeartbeatTime: T,
    lastTransitionTime: "2025-01-01T00:01:00Z",
  });
  expect(conditions.map((c) => `${c.type}=${c.status}`).sort()).toEqual([
    "DiskPressure=Unknown",
    "MemoryPressure=Unknown",
    "PIDPressure=Unknown",
    "Ready=Unknown",
  ]);
  expect(conditions.find((c) => c.type === "DiskPressure")?.reason).toBe("NodeStatusNeverUpdated");
  const again: Node = { ...node("True"), status: { conditions } };
  expect(unknownConditions(again, "2025-01-01T00:02:00Z")).toBeUndefined();
});

test("Ready Unknown -> unreachable, False -> not-ready, True -> none; other taints kept", () => {
  const keys = (n: Node) =>
    (reconcileTaints(n, T) ?? n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
  expect(keys(node("Unknown"))).toEqual([
    "node.kubernetes.io/unreachable:NoSchedule",
    "node.kubernetes.io/unreachable:NoExecute",
  ]);
  expect(keys(node("False"))).toEqual([
    "node.kubernetes.io/not-ready:NoSchedule",
    "node.kubernetes.io/not-ready:NoExecute",
  ]);
  const back = node("True", {
    taints: [
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: T },
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
      { key: "dedicated", value: "gpu", effect: "NoSchedule" },
    ],
    unschedulable: true,
  });
  expect(keys(back)).toEqual(["dedicated:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"]);
  expect(reconcileTaints(node("True"), T)).toBeUndefined();
});

test("taints that stay keep their timeAdded; NoExecute ones get one when added", () => {
  const added = reconcileTaints(node("Unknown"), T) ?? [];
  expect(added.find((t) => t.effect === "NoExecute")?.timeAdded).toBe(T);
  const tainted = node("Unknown", { taints: added });
  expect(reconcileTaints(tainted, "2030-01-01T00:00:00Z")).toBeUndefined();
  const swapped = reconcileTaints(node("False", { taints: added }), "2030-01-01T00:00:00Z") ?? [];
  expect(swapped.map((t) => `${t.key}:${t.effect}`)).toEqual([
    "node.kubernetes.io/not-ready:NoSchedule",
    "node.kubernetes.io/not-ready:NoExecute",
  ]);
});
