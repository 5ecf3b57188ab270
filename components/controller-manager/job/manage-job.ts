// Bringing a Job's active pods to the wanted number (upstream job_controller.go manageJob):
// surplus pods deleted (pending and not-ready first, then the youngest), missing ones created
// in slow-start batches once the back-off after the last failure has passed, with expectations.

import type { Job } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { type ApiClient, isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { ControllerExpectations } from "../common/controller-expectations.ts";
import { isPodReady } from "../common/pod-predicates.ts";
import { completionIndexOf, newJobPod } from "./job-pods.ts";

/** What manageJob needs from the Job sync (JobSyncDeps has these and more). */
export interface ManageJobDeps {
  client: ApiClient;
  expectations: ControllerExpectations;
  recorder: EventRecorder;
  enqueueAfter(key: string, ms: number): void;
  now(): Date;
}

const rank = (p: Pod) => (!p.spec?.nodeName ? 0 : p.status?.phase === "Pending" ? 1 : isPodReady(p) ? 3 : 2);

/** Returns the pods active after the changes (as far as this sync knows). */
export async function manageJob(options: {
  deps: ManageJobDeps;
  key: string;
  job: Job;
  active: Pod[];
  want: number;
  /** Indexed jobs: the indexes without a succeeded or active pod, lowest first. */
  indexes: number[] | undefined;
  /** No pods are created before this time (ms), the failure back-off. */
  backoffUntil: number;
}): Promise<Pod[]> {
  const { deps, key, job, active, want } = options;
  const { client, recorder, expectations } = deps;
  const ns = job.metadata?.namespace ?? "default";
  const now = deps.now().getTime();

  let surplus: Pod[] = [];
  if (options.indexes !== undefined) {
    // Duplicate indexes go first (the newest duplicate), then overall surplus.
    const seen = new Set<number | undefined>();
    for (const pod of [...active].sort((a, b) => rank(b) - rank(a))) {
      const i = completionIndexOf(pod);
      if (seen.has(i)) surplus.push(pod);
      seen.add(i);
    }
  }
  const remaining = active.filter((p) => !surplus.includes(p));
  if (remaining.length > want) {
    const ordered = [...remaining].sort(
      (a, b) =>
        rank(a) - rank(b) ||
        Date.parse(b.metadata?.creationTimestamp ?? "") - Date.parse(a.metadata?.creationTimestamp ?? ""),
    );
    surplus = [...surplus, ...ordered.slice(0, remaining.length - want)];
  }
  if (surplus.length) {
    expectations.expect(key, 0, surplus.length);
    await Promise.all(
      surplus.map(async (pod) => {
        try {
          await resource(client, "pods")
            .namespace(ns)
            .delete(pod.metadata?.name ?? "", {
              uid: pod.metadata?.uid,
            });
          recorder.event(job, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata?.name}`);
        } catch (error) {
          expectations.deletionObserved(key);
          if (!isStatus(error, 404) && !isStatus(error, 409)) throw error;
        }
      }),
    );
    return active.filter((p) => !surplus.includes(p));
  }

  let missing = want - active.length;
  if (missing <= 0) return active;
  if (now < options.backoffUntil) {
    deps.enqueueAfter(key, options.backoffUntil - now);
    return active;
  }
  const indexes = options.indexes?.slice(0, missing);
  if (indexes) missing = indexes.length;
  expectations.expect(key, missing, 0);
  const created: Pod[] = [];
  let batch = 1;
  for (let i = 0; i < missing; i += batch, batch *= 2) {
    const size = Math.min(batch, missing - i);
    const results = await Promise.allSettled(
      Array.from({ length: size }, async (_x, j) => {
        const pod = await resource<Pod>(client, "pods")
          .namespace(ns)
          .create(newJobPod(job, indexes?.[i + j]));
        recorder.event(job, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata?.name}`);
        created.push(pod);
      }),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length) {
      for (let n = 0; n < failed.length + (missing - i - size); n++) expectations.creationObserved(key);
      const reason = (failed[0] as PromiseRejectedResult).reason as Error;
      recorder.event(job, "Warning", "FailedCreate", `Error creating: ${reason.message}`);
      throw reason;
    }
  }
  return [...active, ...created];
}
