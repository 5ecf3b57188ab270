// Pod state predicates the workload controllers share (upstream pkg/api/v1/pod/util.go
// IsPodReady, IsPodAvailable, and pkg/controller/controller_utils.go IsPodActive).

import type { Pod } from "kubernetes-types/core/v1";

export function isPodTerminating(pod: Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** Not terminal and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !isPodTerminating(pod);
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Ready for at least `minReadySeconds` at `now`. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  if (!ready) return false;
  if (minReadySeconds <= 0 || !ready.lastTransitionTime) return true;
  return Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000 <= now.getTime();
}

/** Running, ready and not being deleted (StatefulSet's isRunningAndReady plus !terminating). */
export function isPodHealthy(pod: Pod): boolean {
  return pod.status?.phase === "Running" && isPodReady(pod) && !isPodTerminating(pod);
}
