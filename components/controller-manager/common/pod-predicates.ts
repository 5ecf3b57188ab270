// Pod states the controllers count (upstream pkg/api/v1/pod/util.go IsPodReady, IsPodAvailable,
// GetPodReadyCondition, and pkg/controller/controller_utils.go IsPodActive, IsPodTerminal).

import type { Pod, PodCondition } from "kubernetes-types/core/v1";

export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === "True";
}

export function isPodTerminating(pod: Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

/** Succeeded or Failed: its containers will not run again. */
export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** Not finished and not being deleted: counts against a workload's replicas. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !isPodTerminating(pod);
}

/** Ready for longer than `minReadySeconds` at `now` (a missing transition time is not available). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadyCondition(pod)?.lastTransitionTime;
  if (!since) return false;
  return Date.parse(since) + minReadySeconds * 1000 < now.getTime();
}
