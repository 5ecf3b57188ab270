// The scheduler framework's extension points as kube uses them (upstream
// pkg/scheduler/framework/interface.go): PreFilter/Filter, PreScore/Score/NormalizeScore.
// Hooks return Status values; per-cycle data travels in a CycleState map keyed by plugin.

import type { NodeInfo } from "./node-info.ts";
import type { PodInfo } from "./pod-info.ts";
import type { Status } from "./status.ts";

/** Per scheduling cycle scratch space; each plugin keys its own entry by its name. */
export type CycleState = Map<string, unknown>;

/** What plugins may read beyond the node being judged: every node, for cluster-wide counts. */
export interface ClusterView {
  nodes(): NodeInfo[];
  /** How many pods (placed or assumed) carry any pod (anti-)affinity, and required anti-affinity. */
  podsWithAffinity(): number;
  podsWithRequiredAntiAffinity(): number;
}

export const MAX_NODE_SCORE = 100;

export interface FilterPlugin {
  readonly name: string;
  /** Once per cycle; Skip means Filter need not run, a rejection fails every node. */
  preFilter?(state: CycleState, pod: PodInfo, cluster: ClusterView): Status;
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** Once per cycle over the feasible nodes; Skip leaves the plugin out of this cycle. */
  preScore?(state: CycleState, pod: PodInfo, nodes: NodeInfo[], cluster: ClusterView): Status;
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Scales raw scores (index-aligned with the nodes) into 0..MAX_NODE_SCORE in place. */
  normalize?(state: CycleState, scores: number[]): void;
}

/** upstream helper.DefaultNormalizeScore: scale to 0..max by the highest score, optionally reversed. */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) {
      scores[i] = reverse ? MAX_NODE_SCORE : 0;
      continue;
    }
    const s = Math.floor((MAX_NODE_SCORE * (scores[i] as number)) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
