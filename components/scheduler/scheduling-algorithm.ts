// One scheduling cycle's decision (upstream schedule_one.go schedulePod): PreFilter, Filter over
// a round-robin window of nodes until enough feasible ones are found (percentageOfNodesToScore,
// adaptive by default), PreScore/Score/NormalizeScore with weights, then the best node (ties
// broken at random). The nominated node, if any, is tried first.

import type { FitError } from "./fit-error.ts";
import type { NodeInfo } from "./node-info.ts";
import type { CycleState, FilterPlugin, ScorePlugin } from "./plugin.ts";
import type { PodInfo } from "./pod-info.ts";
import type { SchedulerCache } from "./scheduler-cache.ts";
import { isRejected, type Status, SUCCESS } from "./status.ts";

export interface Profile {
  filters: FilterPlugin[];
  scores: ScorePlugin[];
}

/** Pods nominated to nodes by preemption, counted there for pods of lower priority. */
export interface Nominations {
  /** False when no pod is nominated anywhere (the common case, checked per node). */
  any(): boolean;
  nominatedTo(nodeName: string): PodInfo[] | undefined;
}

/** The cycle's state and the filters PreFilter kept (preemption re-runs them on trial nodes). */
export interface Cycle {
  state: CycleState;
  filters: FilterPlugin[];
}

export type ScheduleResult =
  | { node: string; evaluated: number; feasible: number; cycle: Cycle }
  | { fitError: FitError; cycle: Cycle };

/** upstream numFeasibleNodesToFind: all nodes below 100, else an adaptive share (at least 5%, 100 nodes). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage?: number): number {
  if (numAllNodes < 100 || percentage === 100) return numAllNodes;
  let p = percentage ?? 0;
  if (p <= 0) p = Math.max(5, 50 - Math.floor(numAllNodes / 125));
  return Math.max(100, Math.floor((numAllNodes * p) / 100));
}

/** The first failing filter's status on `node` (with the plugin's name), or SUCCESS. */
function filterNode(filters: FilterPlugin[], state: CycleState, pod: PodInfo, node: NodeInfo): Status {
  for (let i = 0; i < filters.length; i++) {
    const plugin = filters[i] as FilterPlugin;
    const status = plugin.filter(state, pod, node);
    if (status.code === "Success") continue;
    return isRejected(status) ? { ...status, plugin: plugin.name } : status;
  }
  return SUCCESS;
}

export class SchedulingAlgorithm {
  private nextStartNodeIndex = 0;
  private totals = new Float64Array(0);

  constructor(
    private readonly profile: Profile,
    private readonly cache: SchedulerCache,
    private readonly nominations: Nominations,
    private readonly options: { percentageOfNodesToScore?: number; random?: () => number } = {},
  ) {}

  schedule(pod: PodInfo): ScheduleResult {
    const state: CycleState = new Map();
    const active: FilterPlugin[] = [];
    const cycle: Cycle = { state, filters: active };
    const nodes = this.cache.nodes();
    const nodeStatuses = new Map<string, Status>();
    if (nodes.length === 0) return { fitError: { numAllNodes: 0, nodeStatuses }, cycle };
    for (const plugin of this.profile.filters) {
      const status = plugin.preFilter ? plugin.preFilter(state, pod, this.cache) : SUCCESS;
      if (status.code === "Skip") continue;
      if (status.code !== "Success") {
        const fitError = {
          numAllNodes: nodes.length,
          nodeStatuses,
          preFilterMessage: status.reasons.join(", "),
        };
        return { fitError, cycle };
      }
      active.push(plugin);
    }
    const nominated = pod.pod.status?.nominatedNodeName;
    const nominatedNode = nominated ? this.cache.nodeInfo(nominated) : undefined;
    if (nominatedNode && this.runFilters(active, state, pod, nominatedNode) === SUCCESS)
      return { node: nominatedNode.name, evaluated: 1, feasible: 1, cycle };

    // The hot loop: a window of nodes from where the last cycle stopped, no allocation per node
    // unless it fails; nominations are looked up only when some pod is nominated anywhere.
    const feasible: NodeInfo[] = [];
    const count = nodes.length;
    const want = numFeasibleNodesToFind(count, this.options.percentageOfNodesToScore);
    const nominations = this.nominations.any();
    let next = this.nextStartNodeIndex % count;
    let processed = 0;
    for (; processed < count && feasible.length < want; processed++) {
      const node = nodes[next] as NodeInfo;
      if (++next === count) next = 0;
      const status = nominations
        ? this.runFilters(active, state, pod, node)
        : filterNode(active, state, pod, node);
      if (status === SUCCESS) feasible.push(node);
      else nodeStatuses.set(node.name, status);
    }
    this.nextStartNodeIndex = next;
    if (feasible.length === 0) return { fitError: { numAllNodes: nodes.length, nodeStatuses }, cycle };
    const node =
      feasible.length === 1 ? (feasible[0] as NodeInfo).name : this.selectHost(state, pod, feasible);
    return { node, evaluated: processed, feasible: feasible.length, cycle };
  }

  /** The first failing filter's status on `node`, counting pods nominated there; SUCCESS if it fits. */
  runFilters(filters: FilterPlugin[], state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const nominated = this.nominations.any() ? this.nominations.nominatedTo(node.name) : undefined;
    let target = node;
    if (nominated) {
      const others = nominated.filter((p) => p.key !== pod.key && p.priority >= pod.priority);
      if (others.length) {
        target = node.clone();
        for (const p of others) target.addPod(p);
      }
    }
    return filterNode(filters, state, pod, target);
  }

  private selectHost(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): string {
    const count = nodes.length;
    // One buffer for the sums, kept across cycles; raw scores need an array of their own only
    // for a plugin that normalizes them.
    if (this.totals.length < count) this.totals = new Float64Array(Math.max(count, this.totals.length * 2));
    const totals = this.totals;
    totals.fill(0, 0, count);
    for (const plugin of this.profile.scores) {
      if (plugin.preScore && plugin.preScore(state, pod, nodes, this.cache).code === "Skip") continue;
      const weight = plugin.weight;
      if (!plugin.normalize) {
        for (let i = 0; i < count; i++)
          totals[i] = (totals[i] as number) + plugin.score(state, pod, nodes[i] as NodeInfo) * weight;
        continue;
      }
      const scores: number[] = new Array(count);
      for (let i = 0; i < count; i++) scores[i] = plugin.score(state, pod, nodes[i] as NodeInfo);
      plugin.normalize(state, scores);
      for (let i = 0; i < count; i++) totals[i] = (totals[i] as number) + (scores[i] as number) * weight;
    }
    const random = this.options.random ?? Math.random;
    let best = 0;
    let ties = 1;
    for (let i = 1; i < count; i++) {
      const t = totals[i] as number;
      if (t > (totals[best] as number)) {
        best = i;
        ties = 1;
      } else if (t === totals[best]) {
        ties++;
        if (random() * ties < 1) best = i;
      }
    }
    return (nodes[best] as NodeInfo).name;
  }
}
