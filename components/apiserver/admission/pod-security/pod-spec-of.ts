// The pod template inside a workload object (upstream's DefaultPodSpecExtractor): the resources
// Pod Security looks at and where each keeps its template.
// Upstream: k8s.io/pod-security-admission admission/admission.go (defaultPodSpecResources).
import type { PodSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";

/** `group/resource` of every object Pod Security evaluates. */
export const WORKLOAD_RESOURCES = new Set([
  "/pods",
  "/replicationcontrollers",
  "/podtemplates",
  "apps/replicasets",
  "apps/deployments",
  "apps/statefulsets",
  "apps/daemonsets",
  "batch/jobs",
  "batch/cronjobs",
]);

interface Template {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

/** The template's metadata and spec, or undefined when the object carries none. */
export function podSpecOf(
  resource: string,
  obj: Record<string, unknown>,
): { meta: ObjectMeta | undefined; spec: PodSpec | undefined } | undefined {
  const spec = obj.spec as Record<string, unknown> | undefined;
  let template: Template | undefined;
  if (resource === "podtemplates") template = obj.template as Template | undefined;
  else if (resource === "cronjobs")
    template = (spec?.jobTemplate as { spec?: { template?: Template } } | undefined)?.spec?.template;
  else template = spec?.template as Template | undefined;
  if (!template) return undefined;
  return { meta: template.metadata, spec: template.spec };
}
