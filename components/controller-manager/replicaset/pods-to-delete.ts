// Which pods a scale-down deletes first (upstream pkg/controller/controller_utils.go
// ActivePodsWithRanks and replica_set.go getPodsToDelete): unscheduled before scheduled,
// pending before unknown before running, not ready before ready, lower pod-deletion-cost first,
// pods doubled up on a node with related pods first, ready for less time, more restarts, newer.

import type { Pod } from "kubernetes-types/core/v1";
import { isPodActive, isPodReady, podReadyCondition } from "../common/pod-predicates.ts";

export const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const value = Number(pod.metadata?.annotations?.[POD_DELETION_COST] ?? 0);
  return Number.isFinite(value) ? value : 0;
}

function restarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function time(value: string | undefined): number | undefined {
  return value ? Date.parse(value) : undefined;
}

/** Negative when `a` should go before `b`. `rank` counts related active pods on the pod's node. */
function compare(a: Pod, b: Pod, rank: (pod: Pod) => number): number {
  const nodeA = a.spec?.nodeName ?? "";
  const nodeB = b.spec?.nodeName ?? "";
  if (nodeA !== nodeB && (nodeA === "" || nodeB === "")) return nodeA === "" ? -1 : 1;
  const phaseA = PHASE_ORDER[a.status?.phase ?? "Pending"] ?? 0;
  const phaseB = PHASE_ORDER[b.status?.phase ?? "Pending"] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
  if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
  if (rank(a) !== rank(b)) return rank(b) - rank(a);
  if (isPodReady(a) && isPodReady(b)) {
    const readyA = time(podReadyCondition(a)?.lastTransitionTime);
    const readyB = time(podReadyCondition(b)?.lastTransitionTime);
    if (readyA !== readyB) {
      if (readyA === undefined) return -1;
      if (readyB === undefined) return 1;
      return readyB - readyA;
    }
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const createdA = time(a.metadata?.creationTimestamp);
  const createdB = time(b.metadata?.creationTimestamp);
  if (createdA !== createdB) {
    if (createdA === undefined) return -1;
    if (createdB === undefined) return 1;
    return createdB - createdA;
  }
  return 0;
}

/**
 * The `count` pods of `pods` to delete. `related` are the active pods of the same owner family
 * (the pods of every ReplicaSet of the same Deployment); pods sharing a node with many of them go first.
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number): Pod[] {
  if (count >= pods.length) return pods.slice(0, count);
  const perNode = new Map<string, number>();
  for (const pod of related) {
    const node = pod.spec?.nodeName;
    if (node && isPodActive(pod)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const rank = (pod: Pod) => (pod.spec?.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => compare(a, b, rank)).slice(0, count);
}
