// NodeResourcesFit's default score, LeastAllocated (upstream noderesources/least_allocated.go):
// the share of cpu and memory left free once the pod is placed (non-zero requests), weighted
// equally; emptier nodes score higher, so replicas spread.

import { MAX_NODE_SCORE, type ScorePlugin } from "../plugin.ts";

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return ((capacity - requested) * MAX_NODE_SCORE) / capacity;
}

export const leastAllocated: ScorePlugin = {
  name: "NodeResourcesFit",
  weight: 1,
  score(_state, pod, node) {
    const cpu = leastRequested(
      node.nonZeroRequested.milliCPU + pod.nonZero.milliCPU,
      node.allocatable.milliCPU,
    );
    const memory = leastRequested(node.nonZeroRequested.memory + pod.nonZero.memory, node.allocatable.memory);
    return Math.floor((cpu + memory) / 2);
  },
};
