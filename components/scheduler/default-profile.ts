// The default profile's plugins in upstream's order (pkg/scheduler/apis/config/v1/default_plugins.go):
// filters cheapest-first as upstream runs them, scores with upstream's weights. Volume and image
// locality plugins are left out (kube has no volume topology and pulls no images).

import { balancedAllocation } from "./plugins/balanced-allocation.ts";
import { interPodAffinityFilter } from "./plugins/inter-pod-affinity-filter.ts";
import { interPodAffinityScore } from "./plugins/inter-pod-affinity-score.ts";
import { leastAllocated } from "./plugins/least-allocated.ts";
import { nodeAffinityFilter, nodeAffinityScore } from "./plugins/node-affinity.ts";
import { nodeName } from "./plugins/node-name.ts";
import { nodePorts } from "./plugins/node-ports.ts";
import { nodeResourcesFit } from "./plugins/node-resources-fit.ts";
import { nodeUnschedulable } from "./plugins/node-unschedulable.ts";
import { podTopologySpreadFilter, podTopologySpreadScore } from "./plugins/pod-topology-spread.ts";
import { taintTolerationFilter, taintTolerationScore } from "./plugins/taint-toleration.ts";
import type { Profile } from "./scheduling-algorithm.ts";

export function defaultProfile(): Profile {
  return {
    filters: [
      nodeUnschedulable,
      nodeName,
      taintTolerationFilter,
      nodeAffinityFilter,
      nodePorts,
      nodeResourcesFit,
      podTopologySpreadFilter,
      interPodAffinityFilter,
    ],
    scores: [
      taintTolerationScore,
      nodeAffinityScore,
      leastAllocated,
      podTopologySpreadScore,
      interPodAffinityScore,
      balancedAllocation,
    ],
  };
}
