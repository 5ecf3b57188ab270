// Unit tests of the filter plugins on hand-built NodeInfos: node name, unschedulable, taints,
// node affinity, ports and resources fit, with upstream's reasons.

import { describe, expect, test } from "bun:test";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { NodeInfo } from "../node-info.ts";
import type { FilterPlugin } from "../plugin.ts";
import { newPodInfo } from "../pod-info.ts";
import { nodeAffinityFilter } from "./node-affinity.ts";
import { nodeName } from "./node-name.ts";
import { nodePorts } from "./node-ports.ts";
import { nodeResourcesFit } from "./node-resources-fit.ts";
import { nodeUnschedulable } from "./node-unschedulable.ts";
import { taintTolerationFilter } from "./taint-toleration.ts";

function node(name: string, extra: Partial<Node> = {}, labels: Record<string, string> = {}): NodeInfo {
  return new NodeInfo(name, {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    status: { allocatable: { cpu: "2", memory: "4Gi", pods: "3" } },
    ...extra,
  });
}

function pod(name: string, spec: Partial<Pod["spec"]> = {}, labels?: Record<string, string>) {
  return newPodInfo({
    metadata: { name, namespace: "default", labels },
    spec: { containers: [{ name: "c", image: "x" }], ...spec },
  });
}

const requesting = (name: string, requests: Record<string, string>, ports?: number[]) =>
  pod(name, {
    containers: [
      {
        name: "c",
        image: "x",
        resources: { requests },
        ports: ports?.map((hostPort) => ({ containerPort: 80, hostPort })),
      },
    ],
  });

function run(plugin: FilterPlugin, p: ReturnType<typeof pod>, n: NodeInfo) {
  const state = new Map();
  const cluster = { nodes: () => [n], podsWithAffinity: () => 0, podsWithRequiredAntiAffinity: () => 0 };
  const pre = plugin.preFilter?.(state, p, cluster);
  if (pre?.code === "Skip") return { code: "Success", reasons: [] as string[] };
  return plugin.filter(state, p, n);
}

describe("NodeName", () => {
  test("a pod naming a node fits only there", () => {
    expect(run(nodeName, pod("p", { nodeName: "a" }), node("a")).code).toBe("Success");
    expect(run(nodeName, pod("p", { nodeName: "a" }), node("b"))).toEqual({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) didn't match the requested node name"],
    });
  });
});

describe("NodeUnschedulable", () => {
  const cordoned = node("a", { spec: { unschedulable: true } });
  test("a cordoned node is refused unless the pod tolerates the unschedulable taint", () => {
    expect(run(nodeUnschedulable, pod("p"), cordoned).reasons).toEqual(["node(s) were unschedulable"]);
    const tolerant = pod("p", {
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
    });
    expect(run(nodeUnschedulable, tolerant, cordoned).code).toBe("Success");
    expect(run(nodeUnschedulable, pod("p"), node("b")).code).toBe("Success");
  });
});

describe("TaintToleration filter", () => {
  const tainted = node("a", { spec: { taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }] } });
  test("an untolerated NoSchedule taint is named; Equal and Exists tolerations pass", () => {
    expect(run(taintTolerationFilter, pod("p"), tainted)).toEqual({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) had untolerated taint {gpu: yes}"],
    });
    expect(
      run(taintTolerationFilter, pod("p", { tolerations: [{ key: "gpu", value: "yes" }] }), tainted).code,
    ).toBe("Success");
    expect(
      run(taintTolerationFilter, pod("p", { tolerations: [{ operator: "Exists" }] }), tainted).code,
    ).toBe("Success");
    expect(
      run(taintTolerationFilter, pod("p", { tolerations: [{ key: "gpu", value: "no" }] }), tainted).code,
    ).toBe("UnschedulableAndUnresolvable");
  });
  test("PreferNoSchedule does not filter", () => {
    const soft = node("a", { spec: { taints: [{ key: "k", effect: "PreferNoSchedule" }] } });
    expect(run(taintTolerationFilter, pod("p"), soft).code).toBe("Success");
  });
});

describe("NodeAffinity filter", () => {
  const ssd = node("a", {}, { disk: "ssd", gen: "5" });
  test("nodeSelector must match every label", () => {
    expect(run(nodeAffinityFilter, pod("p", { nodeSelector: { disk: "ssd" } }), ssd).code).toBe("Success");
    expect(run(nodeAffinityFilter, pod("p", { nodeSelector: { disk: "hdd" } }), ssd).reasons).toEqual([
      "node(s) didn't match Pod's node affinity/selector",
    ]);
  });
  test("required terms are ORed, expressions ANDed; Gt and matchFields work", () => {
    const required = (terms: object[]) =>
      pod("p", {
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
        },
      } as Partial<Pod["spec"]>);
    const gt4 = { matchExpressions: [{ key: "gen", operator: "Gt", values: ["4"] }] };
    const hdd = { matchExpressions: [{ key: "disk", operator: "In", values: ["hdd"] }] };
    const byName = { matchFields: [{ key: "metadata.name", operator: "In", values: ["a"] }] };
    expect(run(nodeAffinityFilter, required([gt4]), ssd).code).toBe("Success");
    expect(run(nodeAffinityFilter, required([hdd]), ssd).code).toBe("UnschedulableAndUnresolvable");
    expect(run(nodeAffinityFilter, required([hdd, byName]), ssd).code).toBe("Success");
    expect(run(nodeAffinityFilter, required([{}]), ssd).code).toBe("UnschedulableAndUnresolvable");
  });
});

describe("NodePorts", () => {
  test("a host port in use on the node refuses the pod", () => {
    const n = node("a");
    n.addPod(requesting("web", {}, [8080]));
    expect(run(nodePorts, requesting("p", {}, [8080]), n).reasons).toEqual([
      "node(s) didn't have free ports for the requested pod ports",
    ]);
    expect(run(nodePorts, requesting("p", {}, [9090]), n).code).toBe("Success");
  });
});

describe("NodeResourcesFit", () => {
  test("requests add up against allocatable, and the pod count is limited", () => {
    const n = node("a");
    n.addPod(requesting("one", { cpu: "1500m", memory: "1Gi" }));
    expect(run(nodeResourcesFit, requesting("p", { cpu: "500m" }), n).code).toBe("Success");
    expect(run(nodeResourcesFit, requesting("p", { cpu: "501m", memory: "4Gi" }), n)).toEqual({
      code: "Unschedulable",
      reasons: ["Insufficient cpu", "Insufficient memory"],
    });
    expect(run(nodeResourcesFit, requesting("p", { "example.com/gpu": "1" }), n).reasons).toEqual([
      "Insufficient example.com/gpu",
    ]);
    n.addPod(requesting("two", {}));
    n.addPod(requesting("three", {}));
    expect(run(nodeResourcesFit, requesting("p", {}), n).reasons).toEqual(["Too many pods"]);
    n.removePod("default/three");
    expect(run(nodeResourcesFit, requesting("p", {}), n).code).toBe("Success");
  });
});
