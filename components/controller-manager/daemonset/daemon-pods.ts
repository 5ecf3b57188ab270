// A DaemonSet's pod for one node (upstream pkg/controller/daemon/util: NewPod,
// ReplaceDaemonSetPodNodeNameNodeAffinity, GetTargetNodeName): the template with the
// DaemonSet tolerations, required node affinity `matchFields metadata.name In [node]` (the
// scheduler binds it there), the controller-revision-hash and pod-template-generation labels.

import type { DaemonSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { CONTROLLER_REVISION_HASH_LABEL } from "../common/labels.ts";
import { podFromTemplate } from "../common/pod-template.ts";
import { daemonPodTolerations } from "./node-eligibility.ts";

export const DS_GENERATION_LABEL = "pod-template-generation";
const TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

export function templateGeneration(ds: DaemonSet): string | undefined {
  return (
    ds.metadata?.annotations?.[TEMPLATE_GENERATION] ?? (ds.metadata?.generation?.toString() || undefined)
  );
}

export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const pod = podFromTemplate(ds.spec?.template, { ...ds, apiVersion: "apps/v1", kind: "DaemonSet" });
  const { metadata, spec } = pod;
  spec.tolerations = daemonPodTolerations(spec);
  spec.affinity = {
    ...(spec.affinity ?? {}),
    nodeAffinity: {
      ...(spec.affinity?.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
      },
    },
  };
  metadata.labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  const generation = templateGeneration(ds);
  if (generation) metadata.labels[DS_GENERATION_LABEL] = generation;
  return pod;
}

/** The node a daemon pod is for: spec.nodeName once bound, else its matchFields affinity. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const term of terms ?? []) {
    for (const field of term.matchFields ?? []) {
      if (field.key === "metadata.name" && field.operator === "In" && field.values?.length === 1)
        return field.values[0];
    }
  }
  return undefined;
}

/** IsPodUpdated: at the current template generation or revision hash. */
export function isPodUpdated(pod: Pod, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (
    (generation !== undefined && labels[DS_GENERATION_LABEL] === generation) ||
    labels[CONTROLLER_REVISION_HASH_LABEL] === hash
  );
}
