// Which pods a scale-down deletes first.
import { expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { podsToDelete } from "./pods-to-delete.ts";

function pod(
  name: string,
  o: { node?: string; phase?: string; ready?: string; created?: string; restarts?: number },
): Pod {
  return {
    metadata: { name, creationTimestamp: o.created ?? "2024-01-01T00:00:00Z" },
    spec: { containers: [], nodeName: o.node },
    status: {
      phase: o.phase ?? "Running",
      conditions: o.ready ? [{ type: "Ready", status: "True", lastTransitionTime: o.ready }] : [],
      containerStatuses: [{ name: "c", image: "", imageID: "", ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name);

test("unscheduled, then pending, then not ready, then ready for less time, more restarts, newer", () => {
  const pods = [
    pod("old-ready", { node: "a", ready: "2024-01-01T00:00:00Z" }),
    pod("new-ready", { node: "b", ready: "2024-01-02T00:00:00Z" }),
    pod("not-ready", { node: "c" }),
    pod("pending", { node: "a", phase: "Pending" }),
    pod("unscheduled", { phase: "Pending" }),
    pod("restarts", { node: "c", ready: "2024-01-01T00:00:00Z", restarts: 3 }),
  ];
  expect(names(podsToDelete(pods, [], 6))).toEqual(names(pods).slice(0, 6));
  expect(names(podsToDelete(pods, [], 4))).toEqual(["unscheduled", "pending", "not-ready", "new-ready"]);
  // Same ready time: more restarts first.
  expect(names(podsToDelete([pods[0] as Pod, pods[5] as Pod], [], 1))).toEqual(["restarts"]);
});

test("a pod sharing its node with more related pods goes first", () => {
  const a = pod("on-a", { node: "a", ready: "2024-01-01T00:00:00Z" });
  const b = pod("on-b", { node: "b", ready: "2024-01-01T00:00:00Z" });
  const related = [a, b, pod("sibling", { node: "b" })];
  expect(names(podsToDelete([a, b], related, 1))).toEqual(["on-b"]);
});
