// A pod's `namespace/name`, the key the kubelet logs by and matches static and mirror pods on.

import type { Pod } from "kubernetes-types/core/v1";

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name}`;
}
