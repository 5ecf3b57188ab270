// PodTopologySpread (upstream plugins/podtopologyspread): DoNotSchedule constraints filter
// (matching pods in the node's domain + the pod itself - the global minimum <= maxSkew),
// ScheduleAnyway constraints score (fewer matching pods in the domain is better, weighted by
// log(domains + 2)). Nodes count only with every constraint's topology key and, by default,
// when they match the pod's node affinity (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore).

import type { TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { fromLabelSelector, matches, type Requirement, type Selector } from "../../../lib/labels/selector.ts";
import type { NodeInfo } from "../node-info.ts";
import { podMatchesNodeSelectorAndAffinity } from "../node-selector-match.ts";
import { type ClusterView, type FilterPlugin, MAX_NODE_SCORE, type ScorePlugin } from "../plugin.ts";
import type { PodInfo } from "../pod-info.ts";
import { SKIP, SUCCESS, unresolvable, unschedulable } from "../status.ts";
import { tolerated } from "../tolerations.ts";

export const ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_MISSING_LABEL =
  "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME = "kubernetes.io/hostname";

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector | undefined;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

function constraintsOf(pod: PodInfo, when: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
  const out: Constraint[] = [];
  for (const c of (pod.pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[]) {
    if (c.whenUnsatisfiable !== when) continue;
    let selector: Selector | undefined;
    try {
      selector = fromLabelSelector(c.labelSelector);
    } catch {
      selector = undefined;
    }
    if (selector) {
      const extra: Requirement[] = (c.matchLabelKeys ?? [])
        .filter((k) => pod.labels[k] !== undefined)
        .map((k) => ({ key: k, operator: "in", values: [pod.labels[k] as string] }));
      selector = [...selector, ...extra];
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      honorAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
      honorTaints: c.nodeTaintsPolicy === "Honor",
    });
  }
  return out;
}

const hasAllKeys = (node: NodeInfo, constraints: Constraint[]) =>
  constraints.every((c) => node.labels[c.topologyKey] !== undefined);

function included(c: Constraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.honorAffinity && !podMatchesNodeSelectorAndAffinity(pod.pod, node)) return false;
  if (c.honorTaints) {
    for (const t of node.taints)
      if ((t.effect === "NoSchedule" || t.effect === "NoExecute") && !tolerated(pod.pod.spec?.tolerations, t))
        return false;
  }
  return true;
}

function countMatching(node: NodeInfo, c: Constraint, namespace: string): number {
  if (!c.selector) return 0;
  let n = 0;
  for (const p of node.pods.values())
    if (p.namespace === namespace && !p.pod.metadata?.deletionTimestamp && matches(c.selector, p.labels)) n++;
  return n;
}

interface FilterState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  min: number[];
}

const FILTER = "PodTopologySpread/filter";
const SCORE = "PodTopologySpread/score";

export const podTopologySpreadFilter: FilterPlugin = {
  name: "PodTopologySpread",
  preFilter(state, pod, cluster: ClusterView) {
    const constraints = constraintsOf(pod, "DoNotSchedule");
    if (!constraints.length) return SKIP;
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of cluster.nodes()) {
      if (!hasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!included(c, pod, node)) return;
        const value = node.labels[c.topologyKey] as string;
        const m = counts[i] as Map<string, number>;
        m.set(value, (m.get(value) ?? 0) + countMatching(node, c, pod.namespace));
      });
    }
    const min = constraints.map((c, i) => {
      const m = counts[i] as Map<string, number>;
      if (m.size < c.minDomains) return 0;
      let least = Number.POSITIVE_INFINITY;
      for (const v of m.values()) if (v < least) least = v;
      return Number.isFinite(least) ? least : 0;
    });
    state.set(FILTER, { constraints, counts, min } satisfies FilterState);
    return SUCCESS;
  },
  filter(state, pod, node) {
    const s = state.get(FILTER) as FilterState | undefined;
    if (!s) return SUCCESS;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as Constraint;
      const value = node.labels[c.topologyKey];
      if (value === undefined) return unresolvable(ERR_MISSING_LABEL);
      const self = c.selector && matches(c.selector, pod.labels) ? 1 : 0;
      const skew = ((s.counts[i] as Map<string, number>).get(value) ?? 0) + self - (s.min[i] as number);
      if (skew > c.maxSkew) return unschedulable(ERR_CONSTRAINTS);
    }
    return SUCCESS;
  },
};

interface ScoreState {
  constraints: Constraint[];
  ignored: Set<NodeInfo>;
  counts: Map<string, number>[];
  weights: number[];
}

export const podTopologySpreadScore: ScorePlugin = {
  name: "PodTopologySpread",
  weight: 2,
  preScore(state, pod, nodes, cluster) {
    const constraints = constraintsOf(pod, "ScheduleAnyway");
    if (!constraints.length) return SKIP;
    const ignored = new Set<NodeInfo>();
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of nodes) {
      if (!hasAllKeys(node, constraints)) {
        ignored.add(node);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey !== HOSTNAME)
          (counts[i] as Map<string, number>).set(node.labels[c.topologyKey] as string, 0);
      });
    }
    const weights = constraints.map((c, i) =>
      Math.log(
        (c.topologyKey === HOSTNAME ? nodes.length - ignored.size : (counts[i] as Map<string, number>).size) +
          2,
      ),
    );
    for (const node of cluster.nodes()) {
      if (!hasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        const m = counts[i] as Map<string, number>;
        const value = node.labels[c.topologyKey] as string;
        if (c.topologyKey === HOSTNAME || !m.has(value) || !included(c, pod, node)) return;
        m.set(value, (m.get(value) ?? 0) + countMatching(node, c, pod.namespace));
      });
    }
    state.set(SCORE, { constraints, ignored, counts, weights } satisfies ScoreState);
    return SUCCESS;
  },
  score(state, pod, node) {
    const s = state.get(SCORE) as ScoreState;
    if (s.ignored.has(node)) return -1;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const value = node.labels[c.topologyKey];
      if (value === undefined) return;
      const count =
        c.topologyKey === HOSTNAME
          ? countMatching(node, c, pod.namespace)
          : ((s.counts[i] as Map<string, number>).get(value) ?? 0);
      score += count * (s.weights[i] as number) + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalize(_state, scores) {
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (const s of scores) {
      if (s < 0) continue;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i] as number;
      if (s < 0) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.floor((MAX_NODE_SCORE * (max + min - s)) / max);
    }
  },
};
