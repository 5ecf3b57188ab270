// A Job's pods (upstream pkg/controller/job/job_controller.go and indexed_job_utils.go): the
// template with the job as controller owner and the `batch.kubernetes.io/job-tracking`
// finalizer; for Indexed jobs the completion-index annotation and label, the
// JOB_COMPLETION_INDEX env var and hostname `<job>-<index>`.

import type { Job } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { podFromTemplate } from "../common/pod-template.ts";

export const TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

export function newJobPod(job: Job, index?: number): Pod {
  const pod = podFromTemplate(job.spec?.template, { ...job, apiVersion: "batch/v1", kind: "Job" });
  const { metadata, spec } = pod;
  if (!metadata.finalizers?.includes(TRACKING_FINALIZER))
    metadata.finalizers = [...(metadata.finalizers ?? []), TRACKING_FINALIZER];
  if (index !== undefined) {
    metadata.generateName = `${job.metadata?.name}-${index}-`;
    metadata.labels[COMPLETION_INDEX] = String(index);
    metadata.annotations = { ...metadata.annotations, [COMPLETION_INDEX]: String(index) };
    spec.hostname = `${job.metadata?.name}-${index}`;
    const env = {
      name: "JOB_COMPLETION_INDEX",
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } },
    };
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
      if (!c.env?.some((e) => e.name === env.name)) c.env = [...(c.env ?? []), env];
    }
  }
  return pod;
}

/** The completion index of an Indexed job's pod, or undefined. */
export function completionIndexOf(pod: Pod): number | undefined {
  const text = pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(TRACKING_FINALIZER) ?? false;
}

/** "1,3-5" from a set of indexes (status.completedIndexes). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The indexes of "1,3-5". */
export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? "").split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return out;
}
