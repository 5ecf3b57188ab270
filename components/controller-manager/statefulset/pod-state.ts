// The StatefulSet's own pod predicate (upstream pkg/controller/statefulset/stateful_set_utils.go
// isRunningAndReady, plus not terminating); the shared ones are in common/pod-predicates.ts.

import type { Pod } from "kubernetes-types/core/v1";
import { isPodReady, isPodTerminating } from "../common/pod-predicates.ts";

/** Running, ready and not being deleted. */
export function isPodHealthy(pod: Pod): boolean {
  return pod.status?.phase === "Running" && isPodReady(pod) && !isPodTerminating(pod);
}
