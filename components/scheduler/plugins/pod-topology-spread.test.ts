// Unit tests of PodTopologySpread: the DoNotSchedule skew filter (with the missing-label
// reason) and the ScheduleAnyway score.

import { describe, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import type { NodeInfo } from "../node-info.ts";
import { podTopologySpreadFilter, podTopologySpreadScore } from "./pod-topology-spread.ts";
import { clusterOf, testNode, testPod } from "./test-fixtures.ts";

const spread = (whenUnsatisfiable: string, maxSkew = 1): Partial<Pod["spec"]> => ({
  topologySpreadConstraints: [
    { maxSkew, topologyKey: "zone", whenUnsatisfiable, labelSelector: { matchLabels: { app: "web" } } },
  ],
});

function zones(): NodeInfo[] {
  const nodes = [testNode("a1", { zone: "a" }), testNode("b1", { zone: "b" }), testNode("x")];
  (nodes[0] as NodeInfo).addPod(testPod("web-0", {}, { app: "web" }));
  (nodes[0] as NodeInfo).addPod(testPod("web-1", {}, { app: "web" }));
  (nodes[1] as NodeInfo).addPod(testPod("web-2", {}, { app: "web" }));
  return nodes;
}

describe("PodTopologySpread filter", () => {
  test("a node whose zone would exceed maxSkew is refused; one without the key too", () => {
    const nodes = zones();
    const pod = testPod("web-3", spread("DoNotSchedule"), { app: "web" });
    const state = new Map();
    expect(podTopologySpreadFilter.preFilter?.(state, pod, clusterOf(nodes)).code).toBe("Success");
    const reasons = nodes.map((n) => podTopologySpreadFilter.filter(state, pod, n).reasons[0] ?? "ok");
    expect(reasons).toEqual([
      "node(s) didn't match pod topology spread constraints",
      "ok",
      "node(s) didn't match pod topology spread constraints (missing required label)",
    ]);
  });

  test("maxSkew 2 allows the fuller zone; no constraints skips the plugin", () => {
    const nodes = zones();
    const pod = testPod("web-3", spread("DoNotSchedule", 2), { app: "web" });
    const state = new Map();
    podTopologySpreadFilter.preFilter?.(state, pod, clusterOf(nodes));
    expect(podTopologySpreadFilter.filter(state, pod, nodes[0] as NodeInfo).code).toBe("Success");
    expect(podTopologySpreadFilter.preFilter?.(new Map(), testPod("p"), clusterOf(nodes)).code).toBe("Skip");
  });
});

describe("PodTopologySpread score", () => {
  test("the emptier zone scores higher; nodes without the key score 0", () => {
    const nodes = zones();
    const pod = testPod("web-3", spread("ScheduleAnyway"), { app: "web" });
    const state = new Map();
    expect(podTopologySpreadScore.preScore?.(state, pod, nodes, clusterOf(nodes)).code).toBe("Success");
    const scores = nodes.map((n) => podTopologySpreadScore.score(state, pod, n));
    podTopologySpreadScore.normalize?.(state, scores);
    expect(scores[1]).toBeGreaterThan(scores[0] as number);
    expect(scores[2]).toBe(0);
  });
});
