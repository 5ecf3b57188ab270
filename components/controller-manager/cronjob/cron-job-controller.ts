// The cronjob controller (upstream pkg/controller/cronjob/cronjob_controllerv2.go): CronJob
// and owned-Job events enqueue the CronJob; a sync says when the next schedule time is and
// the key is requeued for then. The clock is injectable so tests need not wait a minute.

import type { CronJob, Job } from "kubernetes-types/batch/v1";
import { objectKey } from "../../../lib/informer/informer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { controllerKey } from "../common/controller-ref.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { createCronJobSync } from "./cron-job-sync.ts";

/** A running controller; sync: syncs one CronJob now; returns ms until its next schedule time. */
export type CronJobController = SyncingController<number | undefined>;

export interface CronJobControllerOptions {
  /** The clock (default: the controller manager's). */
  now?: () => Date;
}

export function startCronJobController(
  context: ControllerContext,
  options: CronJobControllerOptions = {},
): CronJobController {
  const cronJobs = context.informers.for<CronJob>("/apis/batch/v1/cronjobs");
  const jobs = context.informers.for<Job>("/apis/batch/v1/jobs");
  const queue = new WorkQueue();
  const enqueueOwner = (job: Job) => {
    const key = controllerKey(job, "CronJob");
    if (key) queue.add(key);
  };
  cronJobs.addHandlers({
    onAdd: (cj) => queue.add(objectKey(cj)),
    onUpdate: (_old, cj) => queue.add(objectKey(cj)),
  });
  jobs.addHandlers({
    onAdd: enqueueOwner,
    onUpdate: (_old, job) => enqueueOwner(job),
    onDelete: enqueueOwner,
  });
  const sync = createCronJobSync({
    client: context.client,
    cronJobs,
    jobs,
    recorder: context.recorder("cronjob-controller"),
    log: context.log,
    now: options.now ?? context.now,
  });
  const run = runController(context, {
    queue,
    sync: async (key) => {
      const after = await sync(key);
      if (after !== undefined) queue.addAfter(key, after);
    },
    synced: [cronJobs.synced, jobs.synced],
  });
  return { ...run, sync };
}

/** The cronjob controller with `options` (an injected clock, for tests). */
export function cronJobControllerWith(options: CronJobControllerOptions): ControllerDescriptor {
  return { name: "cronjob", start: (context) => startCronJobController(context, options) };
}

export const cronJobController: ControllerDescriptor = cronJobControllerWith({});
