// DefaultPreemption's PostFilter (upstream plugins/defaultpreemption and framework/preemption):
// on nodes that failed only with Unschedulable, remove every lower-priority pod, check the pod
// fits, then reprieve victims (most important first) while it still fits; pick the node whose
// victims matter least (lowest highest priority, lowest sum, fewest) and return its victims.

import type { FitError } from "./fit-error.ts";
import { fitErrorMessage } from "./fit-error.ts";
import type { NodeInfo } from "./node-info.ts";
import type { PodInfo } from "./pod-info.ts";
import { type Status, unresolvable } from "./status.ts";

export interface PreemptionCandidate {
  node: string;
  victims: PodInfo[];
}

export type PreemptionResult =
  | { candidate: PreemptionCandidate }
  | {
      /** The "preemption: ..." part of the FailedScheduling message. */
      message: string;
    };

export interface PreemptionInput {
  pod: PodInfo;
  fitError: FitError;
  nodes: NodeInfo[];
  nodeInfo(name: string): NodeInfo | undefined;
  /** The pod's filters on a trial node: SUCCESS or the first failure. */
  fits(node: NodeInfo): Status;
}

const NO_VICTIMS = "No preemption victims found for incoming pod";
const NOT_HELPFUL = "Preemption is not helpful for scheduling";

/** More important first: higher priority, then the earlier start. */
function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return (a.pod.status?.startTime ?? "").localeCompare(b.pod.status?.startTime ?? "");
}

function selectVictims(input: PreemptionInput, node: NodeInfo): { victims: PodInfo[] } | { status: Status } {
  const { pod } = input;
  const trial = node.clone();
  const potential = [...trial.pods.values()].filter((p) => p.priority < pod.priority);
  if (!potential.length) return { status: unresolvable(NO_VICTIMS) };
  for (const p of potential) trial.removePod(p.key);
  const status = input.fits(trial);
  if (status.code !== "Success") return { status };
  const victims: PodInfo[] = [];
  for (const p of potential.sort(moreImportant)) {
    trial.addPod(p);
    if (input.fits(trial).code !== "Success") {
      trial.removePod(p.key);
      victims.push(p);
    }
  }
  return { victims };
}

function eligible(input: PreemptionInput): string | undefined {
  const { pod } = input;
  if (pod.pod.spec?.preemptionPolicy === "Never") return "not eligible due to preemptionPolicy=Never.";
  const nominated = pod.pod.status?.nominatedNodeName;
  if (nominated && input.fitError.nodeStatuses.get(nominated)?.code !== "UnschedulableAndUnresolvable") {
    const node = input.nodeInfo(nominated);
    for (const p of node?.pods.values() ?? [])
      if (p.pod.metadata?.deletionTimestamp && p.priority < pod.priority)
        return "not eligible due to a terminating pod on the nominated node.";
  }
  return undefined;
}

export function preempt(input: PreemptionInput): PreemptionResult {
  const notEligible = eligible(input);
  if (notEligible) return { message: `preemption: ${notEligible}` };
  const statuses = new Map<string, Status>();
  const candidates: PreemptionCandidate[] = [];
  for (const node of input.nodes) {
    if (input.fitError.nodeStatuses.get(node.name)?.code !== "Unschedulable") continue;
    const result = selectVictims(input, node);
    if ("status" in result) statuses.set(node.name, result.status);
    else if (result.victims.length) candidates.push({ node: node.name, victims: result.victims });
    else statuses.set(node.name, unresolvable(NO_VICTIMS));
  }
  if (!candidates.length) {
    const message = fitErrorMessage({
      numAllNodes: input.nodes.length,
      nodeStatuses: statuses,
      absentStatus: unresolvable(NOT_HELPFUL),
    });
    return { message: `preemption: ${message}` };
  }
  const key = (c: PreemptionCandidate) => {
    const priorities = c.victims.map((v) => v.priority);
    // Upstream offsets each priority by MaxInt32+1 so negative ones still add up sensibly.
    return [Math.max(...priorities), priorities.reduce((a, p) => a + p + 2 ** 31, 0), c.victims.length];
  };
  candidates.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] as number) - (kb[i] as number);
    return 0;
  });
  return { candidate: candidates[0] as PreemptionCandidate };
}
