// The fieldPath kubelet events name a container by: `spec.containers{name}` or
// `spec.initContainers{name}` (upstream pkg/kubelet/container/ref.go).

import type { Container, Pod } from "kubernetes-types/core/v1";

export function containerFieldPath(pod: Pod, spec: Container): string {
  const init = pod.spec?.initContainers?.some((c) => c.name === spec.name);
  return `spec.${init ? "initContainers" : "containers"}{${spec.name}}`;
}
