// A node and what sits on it (upstream framework.NodeInfo): the pods (assumed ones included),
// their summed requests, the host ports in use, and which pods carry (anti-)affinity, kept up
// to date incrementally so a filter reads sums instead of walking pods.

import type { Node, Taint } from "kubernetes-types/core/v1";
import type { HostPort, PodInfo } from "./pod-info.ts";
import { addResources, emptyResources, type Resources, resourcesOf } from "./resources.ts";

export class NodeInfo {
  node: Node | undefined;
  name: string;
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  allocatable: Resources = emptyResources();
  allowedPods = 0;
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested = { milliCPU: 0, memory: 0 };
  readonly usedPorts: HostPort[] = [];
  /** Pods with any pod affinity or anti-affinity (scoring looks only at these). */
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();

  constructor(name: string, node?: Node) {
    this.name = name;
    if (node) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    const allocatable = (node.status?.allocatable ?? {}) as Record<string, string>;
    this.allocatable = resourcesOf(allocatable);
    this.allowedPods = Number(allocatable.pods ?? 0) || 0;
  }

  addPod(info: PodInfo): void {
    const old = this.pods.get(info.key);
    if (old) this.removePod(old.key);
    this.pods.set(info.key, info);
    addResources(this.requested, info.requests);
    this.nonZeroRequested.milliCPU += info.nonZero.milliCPU;
    this.nonZeroRequested.memory += info.nonZero.memory;
    for (const p of info.hostPorts) this.usedPorts.push(p);
    if (
      info.requiredAffinity.length ||
      info.requiredAntiAffinity.length ||
      info.preferredAffinity.length ||
      info.preferredAntiAffinity.length
    )
      this.podsWithAffinity.add(info);
    if (info.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.add(info);
  }

  removePod(key: string): PodInfo | undefined {
    const info = this.pods.get(key);
    if (!info) return undefined;
    this.pods.delete(key);
    addResources(this.requested, info.requests, -1);
    this.nonZeroRequested.milliCPU -= info.nonZero.milliCPU;
    this.nonZeroRequested.memory -= info.nonZero.memory;
    for (const p of info.hostPorts) {
      const i = this.usedPorts.indexOf(p);
      if (i >= 0) this.usedPorts.splice(i, 1);
    }
    this.podsWithAffinity.delete(info);
    this.podsWithRequiredAntiAffinity.delete(info);
    return info;
  }

  /** A copy to try changes on (preemption's dry runs, nominated pods). */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.name, this.node);
    for (const info of this.pods.values()) copy.addPod(info);
    return copy;
  }
}
