// One Job sync (upstream pkg/controller/job/job_controller.go syncJob and manageJob): finished
// pods counted through the tracking finalizer, then Failed (BackoffLimitExceeded,
// DeadlineExceeded), Complete or Suspended, else pods created (slow start, exponential back-off
// after failures) or deleted to reach parallelism; status always written.

import type { Job, JobStatus } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { fromLabelSelector } from "../../../lib/labels/selector.ts";
import { claimObjects, recheckOwner } from "../common/claim-objects.ts";
import type { ControllerExpectations } from "../common/controller-expectations.ts";
import { isPodActive, isPodReady } from "../common/pod-predicates.ts";
import { updateStatus } from "../statefulset/update-status.ts";
import { finishedCondition, setCondition } from "./job-conditions.ts";
import { completionIndexOf, formatIndexes, parseIndexes } from "./job-pods.ts";
import { releasePods, trackFinishedPods } from "./job-tracking.ts";
import { type ManageJobDeps, manageJob } from "./manage-job.ts";

export interface JobSyncDeps extends ManageJobDeps {
  client: ApiClient;
  jobs: Informer<Job>;
  pods: Informer<Pod>;
  expectations: ControllerExpectations;
  /** UIDs per job whose tracking finalizer was removed and the cache does not show it yet. */
  removedFinalizers: Map<string, Set<string>>;
  recorder: EventRecorder;
  /** First back-off after a failed pod (10 s upstream), doubling to 6 min. */
  backoffBaseMs: number;
  enqueueAfter(key: string, ms: number): void;
  log(line: string): void;
  now(): Date;
}

const seconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

export function createJobSync(deps: JobSyncDeps): (key: string) => Promise<void> {
  const { client, recorder, expectations } = deps;
  /** Failures since the last success and when the last one was counted (podBackoffStore). */
  const backoff = new Map<string, { failures: number; at: number }>();

  return async (key: string): Promise<void> => {
    const cached = deps.jobs.get(key);
    if (!cached) {
      expectations.delete(key);
      deps.removedFinalizers.delete(key);
      backoff.delete(key);
      return;
    }
    const job = { ...cached, apiVersion: "batch/v1" as const, kind: "Job" as const };
    const ns = job.metadata?.namespace ?? "default";
    const path = resource(client, "jobs.batch")
      .namespace(ns)
      .path(job.metadata?.name ?? "");
    const now = deps.now();
    const pods = await claimObjects({
      client,
      owner: job,
      selector: fromLabelSelector(job.spec?.selector),
      objects: deps.pods.listNamespace(ns),
      pathOf: (p) =>
        resource(client, "pods")
          .namespace(ns)
          .path(p.metadata?.name ?? ""),
      canAdopt: recheckOwner(client, path, job),
    });
    if (job.metadata?.deletionTimestamp) {
      await releasePods(client, pods);
      return;
    }
    const status: JobStatus = structuredClone(job.status ?? {});
    let stored: Job = cached;
    const persist = async (s: JobStatus) => {
      stored = await updateStatus(client, path, stored, structuredClone(s));
    };
    const removed = deps.removedFinalizers.get(key) ?? new Set<string>();
    deps.removedFinalizers.set(key, removed);
    const counted = await trackFinishedPods({ client, job, pods, status, removed, persist });
    const succeededIndexes = parseIndexes(status.completedIndexes);
    for (const i of counted.succeededIndexes) succeededIndexes.add(i);
    const indexed = job.spec?.completionMode === "Indexed";
    if (indexed) status.completedIndexes = formatIndexes(succeededIndexes);
    const record = backoff.get(key) ?? { failures: 0, at: 0 };
    if (counted.succeeded > 0) record.failures = 0;
    if (counted.failed > 0) {
      record.failures += counted.failed;
      record.at = now.getTime();
    }
    backoff.set(key, record);

    const active = pods.filter(isPodActive);
    const finished = finishedCondition(job);
    status.conditions ??= [];
    const conditions = status.conditions;
    const succeeded = status.succeeded ?? 0;
    const failed = status.failed ?? 0;
    const suspended = job.spec?.suspend === true;
    let activeNow = finished ? [] : active;
    if (!finished) {
      if (!status.startTime && !suspended) status.startTime = seconds(now);
      const backoffLimit = job.spec?.backoffLimit ?? 6;
      const restarts = active.reduce(
        (n, p) =>
          n +
          [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].reduce(
            (m, c) => m + (c.restartCount ?? 0),
            0,
          ),
        0,
      );
      const onFailure = job.spec?.template?.spec?.restartPolicy === "OnFailure";
      const pastOnFailure =
        onFailure && (backoffLimit === 0 ? restarts > 0 : restarts + failed >= backoffLimit);
      const deadline = job.spec?.activeDeadlineSeconds;
      const started = status.startTime ? Date.parse(status.startTime) : now.getTime();
      let failure: { reason: string; message: string } | undefined;
      if (failed > backoffLimit || pastOnFailure) {
        failure = { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
      } else if (deadline !== undefined && !suspended && started + deadline * 1000 <= now.getTime()) {
        failure = { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
      } else if (deadline !== undefined && !suspended) {
        deps.enqueueAfter(key, started + deadline * 1000 - now.getTime());
      }
      const completions = job.spec?.completions;
      const complete = indexed
        ? succeededIndexes.size >= (completions ?? 1)
        : completions !== undefined && completions !== null
          ? succeeded >= completions
          : succeeded > 0 && active.length === 0;
      if (failure || complete) {
        // Pods deleted because the job finished count as failed at once (unless they succeeded).
        await manageJob({ deps, key, job, active, want: 0, indexes: undefined, backoffUntil: 0 });
        const deleted = active.map((p) => ({
          ...p,
          status: { ...p.status, phase: p.status?.phase === "Succeeded" ? "Succeeded" : "Failed" },
        }));
        await trackFinishedPods({ client, job, pods: deleted, status, removed, persist });
        activeNow = [];
      }
      if (failure) {
        setCondition(conditions, { type: "Failed", status: "True", ...failure }, now);
        recorder.event(job, "Warning", failure.reason, failure.message);
      } else if (complete) {
        setCondition(conditions, { type: "Complete", status: "True" }, now);
        status.completionTime = seconds(now);
        recorder.event(job, "Normal", "Completed", "Job completed");
      } else if (suspended) {
        if (expectations.satisfied(key)) {
          await manageJob({ deps, key, job, active, want: 0, indexes: undefined, backoffUntil: 0 });
          activeNow = [];
        }
        if (
          setCondition(
            conditions,
            { type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended" },
            now,
          )
        ) {
          recorder.event(job, "Normal", "Suspended", "Job suspended");
        }
        status.startTime = undefined;
      } else {
        const wasSuspended = conditions.some((c) => c.type === "Suspended" && c.status === "True");
        if (wasSuspended) {
          setCondition(
            conditions,
            { type: "Suspended", status: "False", reason: "JobResumed", message: "Job resumed" },
            now,
          );
          recorder.event(job, "Normal", "Resumed", "Job resumed");
        }
        if (expectations.satisfied(key)) {
          const parallelism = job.spec?.parallelism ?? 1;
          let want: number;
          let indexes: number[] | undefined;
          if (indexed) {
            const running = new Set(active.map(completionIndexOf));
            const todo = [];
            for (let i = 0; i < (completions ?? 1); i++)
              if (!succeededIndexes.has(i) && !running.has(i)) todo.push(i);
            want = Math.min(parallelism, (completions ?? 1) - succeededIndexes.size);
            indexes = todo;
          } else if (completions === undefined || completions === null) {
            want = succeeded > 0 ? active.length : parallelism;
          } else {
            want = Math.max(0, Math.min(parallelism, completions - succeeded));
          }
          const delay =
            record.failures > 0 ? Math.min(deps.backoffBaseMs * 2 ** (record.failures - 1), 360_000) : 0;
          const backoffUntil = record.at + delay;
          activeNow = await manageJob({ deps, key, job, active, want, indexes, backoffUntil });
        }
      }
    }
    status.active = activeNow.length;
    status.ready = activeNow.filter(isPodReady).length;
    if (!status.uncountedTerminatedPods) status.uncountedTerminatedPods = {};
    if (conditions.length === 0) delete status.conditions;
    await persist(status);
  };
}
