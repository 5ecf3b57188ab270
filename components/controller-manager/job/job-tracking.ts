// Counting a Job's finished pods through the `batch.kubernetes.io/job-tracking` finalizer
// (upstream job_controller.go trackJobStatusAndRemoveFinalizers): a finished pod's UID goes into
// status.uncountedTerminatedPods first (persisted), then its finalizer is removed, then it moves
// into succeeded/failed — so a pod is counted once even across controller restarts.

import type { Job, JobStatus } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { isPodTerminating } from "../common/pod-predicates.ts";
import { completionIndexOf, hasTrackingFinalizer, TRACKING_FINALIZER } from "./job-pods.ts";

export type Outcome = "succeeded" | "failed";

/** How a pod with the tracking finalizer counts: a deleted pod that did not succeed failed. */
export function outcomeOf(pod: Pod): Outcome | undefined {
  if (pod.status?.phase === "Succeeded") return "succeeded";
  if (pod.status?.phase === "Failed") return "failed";
  if (isPodTerminating(pod)) return "failed";
  return undefined;
}

export interface Counted {
  succeeded: number;
  failed: number;
  /** Completion indexes of pods counted as succeeded now. */
  succeededIndexes: number[];
}

/**
 * Counts the finished pods of `job` still carrying the finalizer into `status` (mutated; the
 * intermediate state is written through `persist`) and removes their finalizers; UIDs whose
 * finalizer removal this process has sent but the cache does not show yet are in `removed`.
 */
export async function trackFinishedPods(options: {
  client: ApiClient;
  job: Job;
  pods: Pod[];
  status: JobStatus;
  removed: Set<string>;
  persist(status: JobStatus): Promise<void>;
}): Promise<Counted> {
  const { client, status, removed } = options;
  const uncounted = {
    succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])],
    failed: [...(status.uncountedTerminatedPods?.failed ?? [])],
  };
  const known = new Set([...uncounted.succeeded, ...uncounted.failed]);
  const byUid = new Map(options.pods.map((p) => [p.metadata?.uid ?? "", p]));
  let added = false;
  for (const pod of options.pods) {
    const uid = pod.metadata?.uid ?? "";
    if (!hasTrackingFinalizer(pod) || removed.has(uid) || known.has(uid)) continue;
    const outcome = outcomeOf(pod);
    if (!outcome) continue;
    uncounted[outcome].push(uid);
    added = true;
  }
  const counted: Counted = { succeeded: 0, failed: 0, succeededIndexes: [] };
  if (uncounted.succeeded.length === 0 && uncounted.failed.length === 0) return counted;
  if (added) {
    status.uncountedTerminatedPods = uncounted;
    await options.persist(status);
  }
  for (const outcome of ["succeeded", "failed"] as const) {
    for (const uid of uncounted[outcome]) {
      const pod = byUid.get(uid);
      if (pod && hasTrackingFinalizer(pod)) {
        const ns = pod.metadata?.namespace ?? "default";
        try {
          await resource(client, "pods")
            .namespace(ns)
            .patch(pod.metadata?.name ?? "", {
              metadata: {
                finalizers: (pod.metadata?.finalizers ?? []).filter((f) => f !== TRACKING_FINALIZER),
                resourceVersion: pod.metadata?.resourceVersion,
              },
            });
        } catch (error) {
          if (isStatus(error, 409)) throw error; // changed under us: count it in the next sync
          if (!isStatus(error, 404)) throw error;
        }
        removed.add(uid);
      }
      counted[outcome]++;
      const index = pod && outcome === "succeeded" ? completionIndexOf(pod) : undefined;
      if (index !== undefined) counted.succeededIndexes.push(index);
    }
  }
  status.succeeded = (status.succeeded ?? 0) + counted.succeeded;
  status.failed = (status.failed ?? 0) + counted.failed;
  status.uncountedTerminatedPods = {};
  return counted;
}

/** Removes the finalizer from pods of a job that is gone or finished (orphaned tracking). */
export async function releasePods(client: ApiClient, pods: Pod[]): Promise<void> {
  for (const pod of pods) {
    if (!hasTrackingFinalizer(pod)) continue;
    const ns = pod.metadata?.namespace ?? "default";
    await resource(client, "pods")
      .namespace(ns)
      .patch(pod.metadata?.name ?? "", {
        metadata: { finalizers: (pod.metadata?.finalizers ?? []).filter((f) => f !== TRACKING_FINALIZER) },
      })
      .catch((error: unknown) => {
        if (!isStatus(error, 404)) throw error;
      });
  }
}
