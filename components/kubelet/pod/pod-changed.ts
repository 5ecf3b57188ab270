// Whether an update from a pod source needs the pod worker (upstream's pod worker syncs on any
// update; here status writes coming back through the watch are not worth a sync).

import type { Pod } from "kubernetes-types/core/v1";

/** A change the pod worker must act on (not just a status write coming back). */
export function podChanged(old: Pod, pod: Pod): boolean {
  const a = old.metadata ?? {};
  const b = pod.metadata ?? {};
  return (
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(old.spec) !== JSON.stringify(pod.spec) ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels) ||
    JSON.stringify(a.annotations) !== JSON.stringify(b.annotations)
  );
}
