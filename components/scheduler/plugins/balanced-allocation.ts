// NodeResourcesBalancedAllocation (upstream noderesources/balanced_allocation.go): prefers
// nodes whose cpu and memory would be used in equal shares, score (1 - std deviation) * 100;
// skipped for pods that request nothing (best effort).

import { MAX_NODE_SCORE, type ScorePlugin } from "../plugin.ts";
import { SKIP, SUCCESS } from "../status.ts";

export const balancedAllocation: ScorePlugin = {
  name: "NodeResourcesBalancedAllocation",
  weight: 1,
  preScore(_state, pod) {
    return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? SKIP : SUCCESS;
  },
  score(_state, pod, node) {
    const a = node.allocatable;
    if (a.milliCPU === 0 || a.memory === 0) return 0;
    const cpu = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU);
    const memory = Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory);
    const std = Math.abs(cpu - memory) / 2;
    return Math.floor((1 - std) * MAX_NODE_SCORE);
  },
};
