// Tests for NodeShouldRunDaemonPod: nodeSelector, required affinity, taints with the default
// DaemonSet tolerations, NoSchedule vs NoExecute.

import { expect, test } from "bun:test";
import type { Node, PodSpec } from "kubernetes-types/core/v1";
import { daemonPodTolerations, nodeShouldRunDaemonPod, tolerates } from "./node-eligibility.ts";

const node = (labels: Record<string, string>, taints: Node["spec"] = {}): Node => ({
  metadata: { name: "n1", labels },
  spec: taints,
});
const spec = (extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: "c" }], ...extra });

test("nodeSelector and required node affinity decide eligibility", () => {
  expect(
    nodeShouldRunDaemonPod(spec({ nodeSelector: { disk: "ssd" } }), node({ disk: "ssd" })).shouldRun,
  ).toBe(true);
  expect(nodeShouldRunDaemonPod(spec({ nodeSelector: { disk: "ssd" } }), node({}))).toEqual({
    shouldRun: false,
    shouldContinueRunning: false,
  });
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }],
      },
    },
  };
  expect(nodeShouldRunDaemonPod(spec({ affinity }), node({ zone: "b" })).shouldRun).toBe(true);
  expect(nodeShouldRunDaemonPod(spec({ affinity }), node({ zone: "c" })).shouldRun).toBe(false);
  expect(nodeShouldRunDaemonPod(spec({ nodeName: "other" }), node({})).shouldRun).toBe(false);
});

test("NoSchedule taints stop new pods but not running ones; NoExecute stops both", () => {
  const noSchedule = node({}, { taints: [{ key: "k", effect: "NoSchedule" }] });
  expect(nodeShouldRunDaemonPod(spec(), noSchedule)).toEqual({
    shouldRun: false,
    shouldContinueRunning: true,
  });
  const noExecute = node({}, { taints: [{ key: "k", effect: "NoExecute" }] });
  expect(nodeShouldRunDaemonPod(spec(), noExecute)).toEqual({
    shouldRun: false,
    shouldContinueRunning: false,
  });
  const tolerated = spec({ tolerations: [{ key: "k", operator: "Exists" }] });
  expect(nodeShouldRunDaemonPod(tolerated, noExecute).shouldRun).toBe(true);
});

test("the DaemonSet default tolerations cover unschedulable and not-ready nodes", () => {
  const cordoned = node({}, { taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] });
  expect(nodeShouldRunDaemonPod(spec(), cordoned).shouldRun).toBe(true);
  const notReady = node({}, { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }] });
  expect(nodeShouldRunDaemonPod(spec(), notReady).shouldRun).toBe(true);
  expect(daemonPodTolerations(spec({ hostNetwork: true })).map((t) => t.key)).toContain(
    "node.kubernetes.io/network-unavailable",
  );
});

test("tolerates follows v1helper.ToleratesTaint", () => {
  expect(tolerates({ operator: "Exists" }, { key: "a", effect: "NoSchedule" })).toBe(true);
  expect(tolerates({ key: "a", value: "x" }, { key: "a", value: "x", effect: "NoSchedule" })).toBe(true);
  expect(tolerates({ key: "a", value: "y" }, { key: "a", value: "x", effect: "NoSchedule" })).toBe(false);
  expect(
    tolerates({ key: "a", operator: "Exists", effect: "NoExecute" }, { key: "a", effect: "NoSchedule" }),
  ).toBe(false);
});
