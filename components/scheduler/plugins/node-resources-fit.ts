// NodeResourcesFit's filter (upstream plugins/noderesources/fit.go): the pod's requests plus
// what the node's pods request must fit its allocatable, one more pod must fit its pod count.
// Reasons are upstream's: "Too many pods", "Insufficient cpu", "Insufficient <resource>".

import type { FilterPlugin } from "../plugin.ts";
import { SUCCESS, unschedulable } from "../status.ts";

export const nodeResourcesFit: FilterPlugin = {
  name: "NodeResourcesFit",
  filter(_state, pod, node) {
    const reasons: string[] = [];
    if (node.pods.size + 1 > node.allowedPods) reasons.push("Too many pods");
    const r = pod.requests;
    const a = node.allocatable;
    const used = node.requested;
    if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - used.milliCPU) reasons.push("Insufficient cpu");
    if (r.memory > 0 && r.memory > a.memory - used.memory) reasons.push("Insufficient memory");
    if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage)
      reasons.push("Insufficient ephemeral-storage");
    for (const [name, value] of Object.entries(r.scalar)) {
      if (value > 0 && value > (a.scalar[name] ?? 0) - (used.scalar[name] ?? 0))
        reasons.push(`Insufficient ${name}`);
    }
    return reasons.length ? unschedulable(...reasons) : SUCCESS;
  },
};
