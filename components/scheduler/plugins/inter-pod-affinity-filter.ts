// InterPodAffinity's filter (upstream plugins/interpodaffinity/filtering.go). PreFilter counts,
// per topology pair ("zone=a"), the existing pods matching the pod's required affinity and
// anti-affinity terms, and the existing pods whose required anti-affinity matches the pod;
// Filter then reads the node's pairs from those counts.

import type { NodeInfo } from "../node-info.ts";
import type { CycleState, FilterPlugin } from "../plugin.ts";
import { type AffinityTerm, type PodInfo, termMatches } from "../pod-info.ts";
import { SKIP, SUCCESS, unresolvable, unschedulable } from "../status.ts";

export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

interface PreFilterState {
  existingAntiAffinity: Map<string, number>;
  affinity: Map<string, number>;
  antiAffinity: Map<string, number>;
}

const NAME = "InterPodAffinity";

function bump(counts: Map<string, number>, node: NodeInfo, key: string): void {
  const value = node.labels[key];
  if (value === undefined) return;
  const pair = `${key}=${value}`;
  counts.set(pair, (counts.get(pair) ?? 0) + 1);
}

const matchesAll = (terms: AffinityTerm[], pod: PodInfo): boolean => terms.every((t) => termMatches(t, pod));

export const interPodAffinityFilter: FilterPlugin = {
  name: NAME,
  preFilter(state, pod, cluster) {
    const hasOwn = pod.requiredAffinity.length > 0 || pod.requiredAntiAffinity.length > 0;
    if (!hasOwn && cluster.podsWithRequiredAntiAffinity() === 0) return SKIP;
    const s: PreFilterState = {
      existingAntiAffinity: new Map(),
      affinity: new Map(),
      antiAffinity: new Map(),
    };
    for (const node of cluster.nodes()) {
      for (const existing of node.podsWithRequiredAntiAffinity) {
        if (existing.key === pod.key) continue;
        for (const t of existing.requiredAntiAffinity)
          if (termMatches(t, pod)) bump(s.existingAntiAffinity, node, t.topologyKey);
      }
      if (!hasOwn) continue;
      for (const existing of node.pods.values()) {
        if (existing.key === pod.key) continue;
        if (pod.requiredAffinity.length && matchesAll(pod.requiredAffinity, existing))
          for (const t of pod.requiredAffinity) bump(s.affinity, node, t.topologyKey);
        for (const t of pod.requiredAntiAffinity)
          if (termMatches(t, existing)) bump(s.antiAffinity, node, t.topologyKey);
      }
    }
    state.set(NAME, s);
    return SUCCESS;
  },
  filter(state: CycleState, pod, node) {
    const s = state.get(NAME) as PreFilterState | undefined;
    if (!s) return SUCCESS;
    if (pod.requiredAffinity.length) {
      let podsExist = true;
      for (const t of pod.requiredAffinity) {
        const value = node.labels[t.topologyKey];
        if (value === undefined) return unresolvable(ERR_AFFINITY);
        if ((s.affinity.get(`${t.topologyKey}=${value}`) ?? 0) <= 0) podsExist = false;
      }
      // The first pod of a group that has affinity to itself may go anywhere.
      if (!podsExist && !(s.affinity.size === 0 && matchesAll(pod.requiredAffinity, pod)))
        return unresolvable(ERR_AFFINITY);
    }
    for (const t of pod.requiredAntiAffinity) {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && (s.antiAffinity.get(`${t.topologyKey}=${value}`) ?? 0) > 0)
        return unschedulable(ERR_ANTI_AFFINITY);
    }
    if (s.existingAntiAffinity.size) {
      for (const [key, value] of Object.entries(node.labels))
        if ((s.existingAntiAffinity.get(`${key}=${value}`) ?? 0) > 0)
          return unschedulable(ERR_EXISTING_ANTI_AFFINITY);
    }
    return SUCCESS;
  },
};
