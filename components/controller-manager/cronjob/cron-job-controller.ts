// The cronjob controller (upstream pkg/controller/cronjob/cronjob_controllerv2.go): CronJob
// and owned-Job events enqueue the CronJob; a sync says when the next schedule time is and
// the key is requeued for then. The clock is injectable so tests need not wait a minute.

import type { CronJob, Job } from "kubernetes-types/batch/v1";
import { objectKey } from "../../../lib/informer/informer.ts";
import { runWorkers, WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import type { ControllerContext, ControllerDescriptor, RunningController } from "../controller.ts";
import { controllerOf } from "../common/controller-ref.ts";
import { createCronJobSync } from "./cron-job-sync.ts";

export interface CronJobController extends RunningController {
  /** Syncs one CronJob now; returns ms until its next schedule time. */
  sync(key: string): Promise<number | undefined>;
}

export interface CronJobControllerOptions {
  /** The clock (default: the controller manager's). */
  now?: () => Date;
}

export async function startCronJobController(
  context: ControllerContext,
  options: CronJobControllerOptions = {},
): Promise<CronJobController> {
  const cronJobs = context.informers.for<CronJob>("/apis/batch/v1/cronjobs");
  const jobs = context.informers.for<Job>("/apis/batch/v1/jobs");
  const queue = new WorkQueue();
  const enqueueOwner = (job: Job) => {
    const ref = controllerOf(job);
    if (ref?.kind === "CronJob") queue.add(`${job.metadata?.namespace}/${ref.name}`);
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
  await Promise.all([cronJobs.synced, jobs.synced]);
  const workers = runWorkers(
    queue,
    context.options.workers,
    async (key) => {
      const after = await sync(key);
      if (after !== undefined) queue.addAfter(key, after);
    },
    context.log,
  );
  return {
    sync,
    async stop() {
      queue.shutDown();
      await workers;
    },
  };
}

/** The cronjob controller's descriptor; `options.now` injects a clock (tests). */
export function createCronJobControllerDescriptor(
  options: CronJobControllerOptions = {},
): ControllerDescriptor {
  return { name: "cronjob", start: (context) => startCronJobController(context, options) };
}

export const cronJobController: ControllerDescriptor = createCronJobControllerDescriptor();
