// NodeResourcesFit's filter (upstream plugins/noderesources/fit.go): the pod's requests plus
// what the node's pods request must fit its allocatable, one more pod must fit its pod count.
// Reasons are upstream's: "Too many pods", "Insufficient cpu", "Insufficient <resource>".

import type { NodeInfo } from "../node-info.ts";
import type { FilterPlugin } from "../plugin.ts";
import type { PodInfo } from "../pod-info.ts";
import { SUCCESS, unschedulable } from "../status.ts";

function reasons(pod: PodInfo, node: NodeInfo): string[] {
  const out: string[] = [];
  const r = pod.requests;
  const a = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > node.allowedPods) out.push("Too many pods");
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - used.milliCPU) out.push("Insufficient cpu");
  if (r.memory > 0 && r.memory > a.memory - used.memory) out.push("Insufficient memory");
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage)
    out.push("Insufficient ephemeral-storage");
  for (const name in r.scalar) {
    const value = r.scalar[name] as number;
    if (value > 0 && value > (a.scalar[name] ?? 0) - (used.scalar[name] ?? 0))
      out.push(`Insufficient ${name}`);
  }
  return out;
}

function fits(pod: PodInfo, node: NodeInfo): boolean {
  const r = pod.requests;
  const a = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > node.allowedPods) return false;
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - used.milliCPU) return false;
  if (r.memory > 0 && r.memory > a.memory - used.memory) return false;
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage) return false;
  for (const name in r.scalar) {
    const value = r.scalar[name] as number;
    if (value > 0 && value > (a.scalar[name] ?? 0) - (used.scalar[name] ?? 0)) return false;
  }
  return true;
}

export const nodeResourcesFit: FilterPlugin = {
  name: "NodeResourcesFit",
  filter(_state, pod, node) {
    // The common case (everything fits) allocates nothing; reasons are gathered only on failure.
    return fits(pod, node) ? SUCCESS : unschedulable(...reasons(pod, node));
  },
};
