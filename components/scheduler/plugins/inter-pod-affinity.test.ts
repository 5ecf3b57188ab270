// Unit tests of InterPodAffinity: required affinity (and the first-pod exception), required
// anti-affinity both ways, and the preferred-terms score.

import { describe, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import type { NodeInfo } from "../node-info.ts";
import type { PodInfo } from "../pod-info.ts";
import { interPodAffinityFilter } from "./inter-pod-affinity-filter.ts";
import { interPodAffinityScore } from "./inter-pod-affinity-score.ts";
import { clusterOf, testNode, testPod } from "./test-fixtures.ts";

const term = (app: string, topologyKey = "zone") => ({
  labelSelector: { matchLabels: { app } },
  topologyKey,
});

function filterAll(pod: PodInfo, nodes: NodeInfo[]): Record<string, string> {
  const state = new Map();
  const pre = interPodAffinityFilter.preFilter?.(state, pod, clusterOf(nodes));
  const out: Record<string, string> = {};
  for (const n of nodes) {
    const status =
      pre?.code === "Skip" ? { code: "Success", reasons: [] } : interPodAffinityFilter.filter(state, pod, n);
    out[n.name] = status.code === "Success" ? "ok" : (status.reasons[0] as string);
  }
  return out;
}

function zones(): NodeInfo[] {
  return [testNode("a1", { zone: "a" }), testNode("a2", { zone: "a" }), testNode("b1", { zone: "b" })];
}

describe("InterPodAffinity filter", () => {
  test("required affinity: only the zone holding a matching pod", () => {
    const nodes = zones();
    (nodes[0] as NodeInfo).addPod(testPod("db", {}, { app: "db" }));
    const web = testPod("web", {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("db")] } },
    });
    expect(filterAll(web, nodes)).toEqual({
      a1: "ok",
      a2: "ok",
      b1: "node(s) didn't match pod affinity rules",
    });
  });

  test("the first pod of a self-affine group goes anywhere", () => {
    const spec = {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("x")] } },
    };
    expect(filterAll(testPod("first", spec, { app: "x" }), zones())).toEqual({
      a1: "ok",
      a2: "ok",
      b1: "ok",
    });
    expect(Object.values(filterAll(testPod("other", spec, { app: "y" }), zones()))).not.toContain("ok");
  });

  test("required anti-affinity of the pod and of existing pods", () => {
    const nodes = zones();
    const anti = {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("web")] } },
    };
    (nodes[0] as NodeInfo).addPod(testPod("web-0", anti as Partial<Pod["spec"]>, { app: "web" }));
    expect(filterAll(testPod("web-1", anti as Partial<Pod["spec"]>, { app: "web" }), nodes)).toEqual({
      a1: "node(s) didn't match pod anti-affinity rules",
      a2: "node(s) didn't match pod anti-affinity rules",
      b1: "ok",
    });
    // A plain pod labelled app=web is kept out by the existing pod's rule.
    expect(filterAll(testPod("plain", {}, { app: "web" }), nodes)).toEqual({
      a1: "node(s) didn't satisfy existing pods anti-affinity rules",
      a2: "node(s) didn't satisfy existing pods anti-affinity rules",
      b1: "ok",
    });
    expect(filterAll(testPod("other", {}, { app: "db" }), nodes)).toEqual({ a1: "ok", a2: "ok", b1: "ok" });
  });
});

describe("InterPodAffinity score", () => {
  test("preferred affinity pulls towards the zone of matching pods, anti-affinity away", () => {
    const nodes = zones();
    (nodes[2] as NodeInfo).addPod(testPod("cache", {}, { app: "cache" }));
    const spec = (kind: "podAffinity" | "podAntiAffinity") => ({
      affinity: {
        [kind]: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term("cache") }],
        },
      },
    });
    const score = (pod: PodInfo) => {
      const state = new Map();
      expect(interPodAffinityScore.preScore?.(state, pod, nodes, clusterOf(nodes)).code).toBe("Success");
      const scores = nodes.map((n) => interPodAffinityScore.score(state, pod, n));
      interPodAffinityScore.normalize?.(state, scores);
      return scores;
    };
    expect(score(testPod("near", spec("podAffinity")))).toEqual([0, 0, 100]);
    expect(score(testPod("far", spec("podAntiAffinity")))).toEqual([100, 100, 0]);
  });

  test("skipped when nobody has pod affinity", () => {
    const nodes = zones();
    expect(interPodAffinityScore.preScore?.(new Map(), testPod("p"), nodes, clusterOf(nodes)).code).toBe(
      "Skip",
    );
  });
});
