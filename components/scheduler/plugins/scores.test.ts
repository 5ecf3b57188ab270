// Unit tests of the simple score plugins: TaintToleration (PreferNoSchedule, reversed),
// NodeAffinity (preferred weights), LeastAllocated and BalancedAllocation.

import { describe, expect, test } from "bun:test";
import type { NodeInfo } from "../node-info.ts";
import type { ScorePlugin } from "../plugin.ts";
import type { PodInfo } from "../pod-info.ts";
import { balancedAllocation } from "./balanced-allocation.ts";
import { leastAllocated } from "./least-allocated.ts";
import { nodeAffinityScore } from "./node-affinity.ts";
import { taintTolerationScore } from "./taint-toleration.ts";
import { clusterOf, testNode, testPod } from "./test-fixtures.ts";

function scores(plugin: ScorePlugin, pod: PodInfo, nodes: NodeInfo[]): number[] | "skip" {
  const state = new Map();
  if (plugin.preScore?.(state, pod, nodes, clusterOf(nodes)).code === "Skip") return "skip";
  const out = nodes.map((n) => plugin.score(state, pod, n));
  plugin.normalize?.(state, out);
  return out;
}

const requesting = (cpu: string, memory: string) =>
  testPod("p", { containers: [{ name: "c", image: "x", resources: { requests: { cpu, memory } } }] });

describe("TaintToleration score", () => {
  test("fewer untolerated PreferNoSchedule taints score higher", () => {
    const soft = (n: number) =>
      testNode(
        `n${n}`,
        {},
        {
          spec: {
            taints: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, effect: "PreferNoSchedule" })),
          },
        },
      );
    expect(scores(taintTolerationScore, testPod("p"), [soft(0), soft(1), soft(2)])).toEqual([100, 50, 0]);
    const tolerant = testPod("p", { tolerations: [{ operator: "Exists" }] });
    expect(scores(taintTolerationScore, tolerant, [soft(0), soft(2)])).toEqual([100, 100]);
  });

  test("is skipped when no node has a PreferNoSchedule taint (all would score alike)", () => {
    const hard = testNode("h", {}, { spec: { taints: [{ key: "k", effect: "NoSchedule" }] } });
    expect(scores(taintTolerationScore, testPod("p"), [testNode("a"), hard])).toBe("skip");
  });
});

describe("NodeAffinity score", () => {
  test("sums the weights of matching preferred terms", () => {
    const pod = testPod("p", {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 20,
              preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] },
            },
            {
              weight: 80,
              preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] },
            },
          ],
        },
      },
    });
    const nodes = [
      testNode("x"),
      testNode("ssd", { disk: "ssd" }),
      testNode("both", { disk: "ssd", zone: "a" }),
    ];
    expect(scores(nodeAffinityScore, pod, nodes)).toEqual([0, 20, 100]);
    expect(scores(nodeAffinityScore, testPod("q"), nodes)).toBe("skip");
  });
});

describe("resource scores", () => {
  test("LeastAllocated prefers the emptier node, counting default requests for best-effort pods", () => {
    const busy = testNode("busy");
    busy.addPod(requesting("2", "4Gi"));
    const idle = testNode("idle");
    const [b, i] = scores(leastAllocated, requesting("1", "2Gi"), [busy, idle]) as number[];
    expect(b).toBe(25);
    expect(i).toBe(75);
    const bestEffort = scores(leastAllocated, testPod("be"), [busy, idle]) as number[];
    expect((bestEffort[1] as number) > (bestEffort[0] as number)).toBe(true);
  });

  test("BalancedAllocation prefers equal cpu and memory shares; skips best-effort pods", () => {
    const cpuHeavy = testNode("cpu");
    cpuHeavy.addPod(requesting("3", "1Gi"));
    const even = testNode("even");
    const [c, e] = scores(balancedAllocation, requesting("1", "2Gi"), [cpuHeavy, even]) as number[];
    expect(e).toBe(100);
    expect(c).toBe(Math.floor((1 - Math.abs(1 - 3 / 8) / 2) * 100));
    expect(scores(balancedAllocation, testPod("be"), [even])).toBe("skip");
  });
});
