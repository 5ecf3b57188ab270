// The ttl-after-finished controller (upstream pkg/controller/ttlafterfinished): a finished Job
// with spec.ttlSecondsAfterFinished is deleted (foreground propagation, as upstream) that many
// seconds after its Complete/Failed condition; earlier syncs requeue for the remaining time.

import type { Job } from "kubernetes-types/batch/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { objectKey } from "../../../lib/informer/informer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { finishedCondition } from "./job-conditions.ts";

export type TtlAfterFinishedController = SyncingController;

/** When `job` expires (ms), or undefined if it has no TTL or has not finished. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  const finished = finishedCondition(job);
  if (ttl === undefined || ttl === null || !finished) return undefined;
  const at = job.status?.completionTime ?? finished.lastTransitionTime;
  if (!at) return undefined;
  return Date.parse(at) + ttl * 1000;
}

export function startTtlAfterFinishedController(context: ControllerContext): TtlAfterFinishedController {
  const jobs = context.informers.for<Job>("/apis/batch/v1/jobs");
  const queue = new WorkQueue();
  const enqueue = (job: Job) => {
    if (job.metadata?.deletionTimestamp || expiresAt(job) === undefined) return;
    queue.add(objectKey(job));
  };
  jobs.addHandlers({ onAdd: enqueue, onUpdate: (_old, job) => enqueue(job) });

  const sync = async (key: string): Promise<void> => {
    const cached = jobs.get(key);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const expires = expiresAt(cached);
    if (expires === undefined) return;
    const left = expires - context.clock.now();
    if (left > 0) {
      queue.addAfter(key, left);
      return;
    }
    // The cache may be stale (the TTL was raised): check the live object before deleting.
    const live = resource<Job>(context.client, "jobs.batch").namespace(cached.metadata?.namespace ?? "");
    let fresh: Job;
    try {
      fresh = await live.get(cached.metadata?.name ?? "");
    } catch (error) {
      if (isStatus(error, 404)) return;
      throw error;
    }
    const freshExpires = expiresAt(fresh);
    if (freshExpires === undefined || fresh.metadata?.deletionTimestamp) return;
    if (freshExpires > context.clock.now()) {
      queue.addAfter(key, freshExpires - context.clock.now());
      return;
    }
    context.log(`cleaning up job ${key}`);
    await live
      .delete(cached.metadata?.name ?? "", { propagationPolicy: "Foreground", uid: fresh.metadata?.uid })
      .catch((error: unknown) => {
        if (!isStatus(error, 404) && !isStatus(error, 409)) throw error;
      });
  };

  return runController(context, {
    queue,
    sync,
    synced: [jobs.synced],
  });
}

export const ttlAfterFinishedController: ControllerDescriptor = {
  name: "ttl-after-finished",
  start: startTtlAfterFinishedController,
};
