// One CronJob sync (upstream pkg/controller/cronjob/cronjob_controllerv2.go syncCronJob):
// reconcile status.active with the jobs it owns, then — unless suspended — run the most
// recent missed schedule time as Job `<cronjob>-<unix minutes>` under the concurrency policy
// and startingDeadlineSeconds, trim finished jobs to the history limits, and say when to come back.

import type { CronJob, CronJobStatus, Job } from "kubernetes-types/batch/v1";
import type { ObjectReference } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { type CronSchedule, parseSchedule } from "../../../lib/cron/cron-schedule.ts";
import { nextTime } from "../../../lib/cron/next-time.ts";
import { wallClock } from "../../../lib/cron/wall-clock.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { controllerOf, newControllerRef } from "../common/controller-ref.ts";
import { updateStatus } from "../statefulset/update-status.ts";

export interface CronJobSyncDeps {
  client: ApiClient;
  cronJobs: Informer<CronJob>;
  jobs: Informer<Job>;
  recorder: EventRecorder;
  log(line: string): void;
  now(): Date;
}

const seconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;
/** The reference status.active keeps to a Job (upstream ref.GetReference). */
const jobReference = (job: Job): ObjectReference => ({
  apiVersion: "batch/v1",
  kind: "Job",
  name: job.metadata?.name,
  namespace: job.metadata?.namespace,
  uid: job.metadata?.uid,
  resourceVersion: job.metadata?.resourceVersion,
});
const finishedType = (job: Job) =>
  job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")
    ?.type;

/** The latest schedule time in (earliest, now] and how many there were (capped at 101). */
export function mostRecentScheduleTime(
  schedule: CronSchedule,
  earliest: Date,
  now: Date,
): { time: Date | undefined; missed: number } {
  let time: Date | undefined;
  let missed = 0;
  let from = earliest;
  for (let t = nextTime(schedule, from); t && t <= now; t = nextTime(schedule, from)) {
    time = t;
    from = t;
    if (++missed > 100) {
      // Too many to walk: jump to a day before now and find the latest from there.
      const jump = new Date(now.getTime() - 86_400_000);
      if (jump > from) from = jump;
    }
  }
  return { time, missed };
}

/** Syncs `key`; returns ms until the next schedule time (to requeue), if any. */
export function createCronJobSync(deps: CronJobSyncDeps): (key: string) => Promise<number | undefined> {
  const { client, recorder } = deps;

  const deleteJob = async (cj: CronJob, name: string): Promise<void> => {
    const ns = cj.metadata?.namespace ?? "default";
    try {
      await resource(client, "jobs.batch").namespace(ns).delete(name, {
        propagationPolicy: "Background",
      });
      recorder.event(cj, "Normal", "SuccessfulDelete", `Deleted job ${name}`);
    } catch (error) {
      if (!isStatus(error, 404)) {
        recorder.event(cj, "Warning", "FailedDelete", `Deleted job: ${(error as Error).message}`);
        throw error;
      }
    }
  };

  return async (key) => {
    const cached = deps.cronJobs.get(key);
    if (!cached) return undefined;
    const cj = { ...cached, apiVersion: "batch/v1" as const, kind: "CronJob" as const };
    const ns = cj.metadata?.namespace ?? "default";
    const uid = cj.metadata?.uid;
    const now = deps.now();
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    const owned = deps.jobs.listNamespace(ns).filter((j) => controllerOf(j)?.uid === uid);
    const ownedByName = new Map(owned.map((j) => [j.metadata?.name ?? "", j]));
    let active: ObjectReference[] = [...(status.active ?? [])];

    // Reconcile status.active with the jobs themselves.
    for (const job of owned) {
      const name = job.metadata?.name ?? "";
      const listed = active.some((a) => a.name === name);
      const finished = finishedType(job);
      if (!listed && !finished) {
        active.push(jobReference(job));
      } else if (listed && finished) {
        active = active.filter((a) => a.name !== name);
        recorder.event(cj, "Normal", "SawCompletedJob", `Saw completed job: ${name}, status: ${finished}`);
        const done = job.status?.completionTime;
        if (
          finished === "Complete" &&
          done &&
          (!status.lastSuccessfulTime || done > status.lastSuccessfulTime)
        ) {
          status.lastSuccessfulTime = done;
        }
      }
    }
    const kept: ObjectReference[] = [];
    for (const ref of active) {
      if (ownedByName.has(ref.name ?? "")) {
        kept.push(ref);
        continue;
      }
      // Only trust a missing job once the live API agrees (the cache may lag our own create).
      try {
        await resource(client, "jobs.batch")
          .namespace(ns)
          .get(ref.name ?? "");
        kept.push(ref);
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
        recorder.event(cj, "Normal", "MissingJob", `Active job went missing: ${ref.name}`);
      }
    }
    active = kept;

    const writeStatus = async () => {
      status.active = active.length ? active : undefined;
      if (!status.active) delete status.active;
      await updateStatus(
        client,
        resource(client, "cronjobs.batch")
          .namespace(ns)
          .path(cj.metadata?.name ?? ""),
        cached,
        status,
        { retryOnConflict: false },
      );
    };

    // History limits (cleanupFinishedJobs).
    const finishedJobs = (type: string) =>
      owned
        .filter((j) => finishedType(j) === type && !j.metadata?.deletionTimestamp)
        .sort((a, b) =>
          (a.status?.startTime ?? a.metadata?.creationTimestamp ?? "").localeCompare(
            b.status?.startTime ?? b.metadata?.creationTimestamp ?? "",
          ),
        );
    for (const [type, limit] of [
      ["Complete", cj.spec?.successfulJobsHistoryLimit ?? 3],
      ["Failed", cj.spec?.failedJobsHistoryLimit ?? 1],
    ] as const) {
      const jobs = finishedJobs(type);
      for (const job of jobs.slice(0, Math.max(0, jobs.length - limit)))
        await deleteJob(cj, job.metadata?.name ?? "");
    }

    if (cj.metadata?.deletionTimestamp || cj.spec?.suspend) {
      await writeStatus();
      return undefined;
    }
    let schedule: CronSchedule;
    try {
      schedule = parseSchedule(cj.spec?.schedule ?? "", cj.spec?.timeZone);
    } catch (error) {
      recorder.event(
        cj,
        "Warning",
        "UnparseableSchedule",
        `unparseable schedule: ${JSON.stringify(cj.spec?.schedule ?? "")} : ${(error as Error).message}`,
      );
      await writeStatus();
      return undefined;
    }
    const created = Date.parse(cj.metadata?.creationTimestamp ?? "") || now.getTime();
    let earliest = new Date(status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : created);
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null) {
      const windowStart = new Date(now.getTime() - deadline * 1000);
      if (windowStart > earliest) earliest = windowStart;
    }
    // A schedule that never fires ("59 23 31 2 *", February 31st): upstream's robfig/cron returns
    // the zero time twice and the controller reports the schedule as invalid, then waits for an edit.
    const first = nextTime(schedule, earliest);
    if (!first || (first <= now && !nextTime(schedule, first))) {
      recorder.event(
        cj,
        "Warning",
        "InvalidSchedule",
        `invalid schedule: ${cj.spec?.schedule} : time difference between two schedules is less than 1 second`,
      );
      await writeStatus();
      return undefined;
    }
    const { time: scheduled, missed } = mostRecentScheduleTime(schedule, earliest, now);
    const next = nextTime(schedule, now);
    const requeue = next ? next.getTime() - now.getTime() + 100 : undefined;
    if (missed > 100) {
      recorder.event(
        cj,
        "Warning",
        "TooManyMissedTimes",
        `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    }
    if (!scheduled) {
      await writeStatus();
      return requeue;
    }
    const name = `${cj.metadata?.name}-${Math.floor(scheduled.getTime() / 60_000)}`;
    if (
      deadline !== undefined &&
      deadline !== null &&
      scheduled.getTime() + deadline * 1000 < now.getTime()
    ) {
      recorder.event(
        cj,
        "Warning",
        "MissSchedule",
        `Missed scheduled time to start a job: ${scheduled.toISOString()}`,
      );
      await writeStatus();
      return requeue;
    }
    if (
      active.some((a) => a.name === name) ||
      ownedByName.has(name) ||
      status.lastScheduleTime === seconds(scheduled)
    ) {
      // The job of this schedule time exists (an earlier sync created it but its status write
      // lost a conflict): record the schedule time now.
      status.lastScheduleTime = seconds(scheduled);
      await writeStatus();
      return requeue;
    }
    const policy = cj.spec?.concurrencyPolicy ?? "Allow";
    if (policy === "Forbid" && active.length > 0) {
      recorder.event(
        cj,
        "Normal",
        "JobAlreadyActive",
        "Not starting job because prior execution is running and concurrency policy is Forbid",
      );
      await writeStatus();
      return requeue;
    }
    if (policy === "Replace") {
      for (const ref of active) await deleteJob(cj, ref.name ?? "");
      active = [];
    }
    const template = cj.spec?.jobTemplate ?? {};
    const job: Job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: ns,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: {
          ...(template.metadata?.annotations ?? {}),
          "batch.kubernetes.io/cronjob-scheduled-timestamp": wallClock(schedule.timeZone).format(
            scheduled.getTime(),
          ),
        },
        ownerReferences: [newControllerRef(cj)],
      },
      spec: structuredClone(template.spec ?? { template: {} }),
    };
    let made: Job | undefined;
    try {
      made = await resource<Job>(client, "jobs.batch").namespace(ns).create(job);
      recorder.event(cj, "Normal", "SuccessfulCreate", `Created job ${name}`);
    } catch (error) {
      if (!isStatus(error, 409)) {
        recorder.event(cj, "Warning", "FailedCreate", `Error creating job: ${(error as Error).message}`);
        await writeStatus();
        throw error;
      }
    }
    if (made) {
      active.push(jobReference(made));
    }
    status.lastScheduleTime = seconds(scheduled);
    await writeStatus();
    return requeue;
  };
}
