// InterPodAffinity's score (upstream plugins/interpodaffinity/scoring.go): per topology pair,
// + the weights of the pod's preferred affinity terms an existing pod matches, - those of its
// preferred anti-affinity, and symmetrically the existing pods' terms matching the pod
// (required affinity counts with hardPodAffinityWeight 1). Normalized min..max to 0..100.

import type { NodeInfo } from "../node-info.ts";
import { MAX_NODE_SCORE, type ScorePlugin } from "../plugin.ts";
import type { AffinityTerm, PodInfo } from "../pod-info.ts";
import { termMatches } from "../pod-info.ts";
import { SKIP, SUCCESS } from "../status.ts";

const NAME = "InterPodAffinity";
const HARD_POD_AFFINITY_WEIGHT = 1;

/** topologyKey → topology value → score. */
type TopologyScore = Map<string, Map<string, number>>;

function add(scores: TopologyScore, terms: AffinityTerm[], target: PodInfo, node: NodeInfo, sign: number) {
  for (const t of terms) {
    if (!termMatches(t, target)) continue;
    const value = node.labels[t.topologyKey];
    if (value === undefined) continue;
    let byValue = scores.get(t.topologyKey);
    if (!byValue) {
      byValue = new Map();
      scores.set(t.topologyKey, byValue);
    }
    byValue.set(value, (byValue.get(value) ?? 0) + sign * t.weight);
  }
}

export const interPodAffinityScore: ScorePlugin = {
  name: NAME,
  weight: 2,
  preScore(state, pod, _nodes, cluster) {
    const hasPreferred = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
    if (!hasPreferred && cluster.podsWithAffinity() === 0) return SKIP;
    const scores: TopologyScore = new Map();
    for (const node of cluster.nodes()) {
      const pods = hasPreferred ? node.pods.values() : node.podsWithAffinity.values();
      for (const existing of pods) {
        if (existing.key === pod.key) continue;
        add(scores, pod.preferredAffinity, existing, node, 1);
        add(scores, pod.preferredAntiAffinity, existing, node, -1);
        add(scores, existing.requiredAffinity, pod, node, HARD_POD_AFFINITY_WEIGHT);
        add(scores, existing.preferredAffinity, pod, node, 1);
        add(scores, existing.preferredAntiAffinity, pod, node, -1);
      }
    }
    if (scores.size === 0) return SKIP;
    state.set(NAME, scores);
    return SUCCESS;
  },
  score(state, _pod, node) {
    const scores = state.get(NAME) as TopologyScore;
    let total = 0;
    for (const [key, byValue] of scores) {
      const value = node.labels[key];
      if (value !== undefined) total += byValue.get(value) ?? 0;
    }
    return total;
  },
  normalize(_state, scores) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++)
      scores[i] = diff > 0 ? Math.floor((MAX_NODE_SCORE * ((scores[i] as number) - min)) / diff) : 0;
  },
};
