// Fixtures for the plugin unit tests: NodeInfos and PodInfos built from a few fields, and a
// cluster view over a list of nodes.

import type { Node, Pod } from "kubernetes-types/core/v1";
import { NodeInfo } from "../node-info.ts";
import type { ClusterView } from "../plugin.ts";
import { newPodInfo, type PodInfo } from "../pod-info.ts";

export function testNode(
  name: string,
  labels: Record<string, string> = {},
  extra: Partial<Node> = {},
): NodeInfo {
  return new NodeInfo(name, {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110" } },
    ...extra,
  });
}

export function testPod(
  name: string,
  spec: Partial<Pod["spec"]> = {},
  labels?: Record<string, string>,
): PodInfo {
  return newPodInfo({
    metadata: { name, namespace: "default", labels },
    spec: { containers: [{ name: "c", image: "x" }], ...spec } as Pod["spec"],
  });
}

export function clusterOf(nodes: NodeInfo[]): ClusterView {
  const count = (pick: (n: NodeInfo) => number) => () => nodes.reduce((sum, n) => sum + pick(n), 0);
  return {
    nodes: () => nodes,
    podsWithAffinity: count((n) => n.podsWithAffinity.size),
    podsWithRequiredAntiAffinity: count((n) => n.podsWithRequiredAntiAffinity.size),
  };
}
