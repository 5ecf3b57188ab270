// The job controller (upstream pkg/controller/job/job_controller.go): pod events lower the
// owning job's expectations and enqueue it; pods of a job that is gone lose their tracking
// finalizer (the orphan-pod path); workers run sync(key) from job-sync.ts.

import type { Job } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { ControllerExpectations } from "../common/controller-expectations.ts";
import { controllerKey, controllerOf } from "../common/controller-ref.ts";
import { ownerHandlers, podExpectationHandlers } from "../common/expectation-handlers.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { hasTrackingFinalizer } from "./job-pods.ts";
import { createJobSync } from "./job-sync.ts";
import { releasePods } from "./job-tracking.ts";

export type JobController = SyncingController;

export interface JobControllerOptions {
  /** The first back-off before replacing a failed pod (upstream 10 s); tests shorten it. */
  backoffBaseMs?: number;
}

export function startJobController(
  context: ControllerContext,
  options: JobControllerOptions = {},
): JobController {
  const jobs = context.informers.for<Job>("/apis/batch/v1/jobs");
  const pods = context.informers.for<Pod>("/api/v1/pods");
  const queue = new WorkQueue();
  const expectations = new ControllerExpectations();
  const removedFinalizers = new Map<string, Set<string>>();
  let synced = false;

  const ownerKey = (pod: Pod): string | undefined => controllerKey(pod, "Job");
  const orphaned = (pod: Pod, key: string): void => {
    const job = jobs.get(key);
    if (!synced || !hasTrackingFinalizer(pod) || (job && job.metadata?.uid === controllerOf(pod)?.uid))
      return;
    releasePods(context.client, [pod]).catch((error: Error) => context.log(`orphan pod: ${error.message}`));
  };
  const finalizerGone = (key: string, pod: Pod): void => {
    if (!hasTrackingFinalizer(pod)) removedFinalizers.get(key)?.delete(pod.metadata?.uid ?? "");
  };

  jobs.addHandlers(ownerHandlers(queue, expectations));
  pods.addHandlers(podExpectationHandlers(expectations, ownerKey));
  pods.addHandlers({
    onAdd: (pod) => {
      const key = ownerKey(pod);
      if (!key) return;
      orphaned(pod, key);
      queue.add(key);
    },
    onUpdate: (_old, pod) => {
      const key = ownerKey(pod);
      if (!key) return;
      finalizerGone(key, pod);
      orphaned(pod, key);
      queue.add(key);
    },
    onDelete: (pod) => {
      const key = ownerKey(pod);
      if (!key) return;
      removedFinalizers.get(key)?.delete(pod.metadata?.uid ?? "");
      queue.add(key);
    },
  });

  const sync = createJobSync({
    client: context.client,
    jobs,
    pods,
    expectations,
    removedFinalizers,
    recorder: context.recorder("job-controller"),
    backoffBaseMs: options.backoffBaseMs ?? 10_000,
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    log: context.log,
    now: context.now,
  });
  return runController(context, {
    queue,
    sync,
    synced: [jobs.synced, pods.synced],
    onSynced: () => {
      synced = true;
      for (const pod of pods.list()) {
        const key = ownerKey(pod);
        if (key) orphaned(pod, key);
      }
    },
  });
}

/** The job controller with `options` (a shorter back-off, for tests). */
export function jobControllerWith(options: JobControllerOptions): ControllerDescriptor {
  return { name: "job", start: (context) => startJobController(context, options) };
}

export const jobController: ControllerDescriptor = jobControllerWith({});
