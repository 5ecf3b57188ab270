// Why a pod fits no node (upstream framework.FitError): each node's failing status, and the
// message FailedScheduling events and the PodScheduled condition carry, e.g.
// "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No
// preemption victims found for incoming pod.." — reasons counted, sorted, joined.

import type { Status } from "./status.ts";

export interface FitError {
  numAllNodes: number;
  /** Node name → the status of the filter that rejected it. */
  nodeStatuses: Map<string, Status>;
  /** Set when a PreFilter rejected the pod for every node. */
  preFilterMessage?: string;
  /** What PostFilter (preemption) said. */
  postFilterMessage?: string;
  /** Status for nodes absent from nodeStatuses (upstream SetAbsentNodesStatus). */
  absentStatus?: Status;
}

export function fitErrorMessage(error: FitError): string {
  let message = `0/${error.numAllNodes} nodes are available:`;
  if (error.preFilterMessage) {
    message += ` ${error.preFilterMessage}.`;
  } else {
    const counts = new Map<string, number>();
    for (const status of error.nodeStatuses.values())
      for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    const absent = error.numAllNodes - error.nodeStatuses.size;
    if (error.absentStatus && absent > 0)
      for (const reason of error.absentStatus.reasons) counts.set(reason, (counts.get(reason) ?? 0) + absent);
    const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
    if (parts.length) message += ` ${parts.join(", ")}.`;
  }
  if (error.postFilterMessage) message += ` ${error.postFilterMessage}.`;
  return message;
}
