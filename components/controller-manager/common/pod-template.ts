// A controller's pod from its template (upstream pkg/controller/controller_utils.go
// GetPodFromTemplate): `<owner>-` as generateName, the template's labels, annotations and
// finalizers copied, the owner as controller, and a deep copy of the spec.

import type { Pod, PodSpec, PodTemplateSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { newControllerRef, type OwnerIdentity } from "./controller-ref.ts";

/** A Pod whose metadata and spec are there to be filled in further. */
export type TemplatePod = Pod & { metadata: ObjectMeta & { labels: Record<string, string> }; spec: PodSpec };

export function podFromTemplate(template: PodTemplateSpec | undefined, owner: OwnerIdentity): TemplatePod {
  const meta = template?.metadata ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${owner.metadata?.name}-`,
      namespace: owner.metadata?.namespace,
      labels: { ...(meta.labels ?? {}) },
      annotations: meta.annotations ? { ...meta.annotations } : undefined,
      finalizers: meta.finalizers ? [...meta.finalizers] : undefined,
      ownerReferences: [newControllerRef(owner)],
    },
    spec: structuredClone(template?.spec ?? { containers: [] }),
  };
}
