// A StatefulSet's pods and their identity (upstream pkg/controller/statefulset/stateful_set_utils.go):
// `<set>-<ordinal>`, hostname = pod name, subdomain = spec.serviceName, the pod-name,
// pod-index and controller-revision-hash labels, the set as controller owner.

import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1";
import { CONTROLLER_REVISION_HASH_LABEL } from "../common/labels.ts";
import { podFromTemplate } from "../common/pod-template.ts";

export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

/** The ordinal of a pod named `<set>-<n>`, or -1 when the name is not one of the set's. */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const prefix = `${set.metadata?.name}-`;
  const name = pod.metadata?.name ?? "";
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** The pod for `ordinal` from `template` at revision `hash` (newVersionedStatefulSetPod). */
export function newStatefulSetPod(
  set: StatefulSet,
  template: PodTemplateSpec,
  ordinal: number,
  hash: string,
): Pod {
  const name = `${set.metadata?.name}-${ordinal}`;
  const pod = podFromTemplate(template, { ...set, apiVersion: "apps/v1", kind: "StatefulSet" });
  const { metadata, spec } = pod;
  delete metadata.generateName;
  metadata.name = name;
  Object.assign(metadata.labels, {
    [POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ordinal),
    [CONTROLLER_REVISION_HASH_LABEL]: hash,
  });
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  return pod;
}

export function revisionOf(pod: Pod): string | undefined {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
}
