// batch/v1 columns: Job (Status, Completions "1/1", Duration) and CronJob (Schedule, Timezone, Suspend, Active).
// Upstream: pkg/printers/internalversion/printers.go (printJob, printCronJob).

import type { CronJob, Job, JobCondition } from "kubernetes-types/batch/v1";
import { age, elapsedSince, parseTimestamp } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, containersColumn, imagesColumn, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import { formatLabelSelector, layoutContainerCells, printBoolPtr } from "./format.ts";
import { humanDuration } from "./human-duration.ts";

/** The first condition of the type decides, as upstream's hasJobCondition. */
const hasJobCondition = (conditions: JobCondition[] | undefined, type: string): boolean =>
  (conditions ?? []).find((c) => c.type === type)?.status === "True";

function jobStatus(job: Job): string {
  const conditions = job.status?.conditions;
  if (hasJobCondition(conditions, "Complete")) return "Complete";
  if (hasJobCondition(conditions, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  if (hasJobCondition(conditions, "Suspended")) return "Suspended";
  if (hasJobCondition(conditions, "FailureTarget")) return "FailureTarget";
  return "Running";
}

function completions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined && job.spec.completions !== null) {
    return `${succeeded}/${job.spec.completions}`;
  }
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = parseTimestamp(job.status?.startTime);
  if (start === undefined) return "";
  const end = parseTimestamp(job.status?.completionTime);
  return end === undefined ? elapsedSince(start, now) : humanDuration(end - start);
}

export const jobPrinter = definePrinter<Job>(
  [
    nameColumn,
    column("Status", "Status of the job."),
    column("Completions", columnDescriptions.jobSucceeded),
    column("Duration", "Time required to complete the job."),
    ageColumn,
    containersColumn,
    imagesColumn,
    column("Selector", columnDescriptions.jobSelector, { priority: 1 }),
  ],
  (job, now) => {
    const [names, images] = layoutContainerCells(job.spec?.template?.spec?.containers);
    return {
      cells: [
        job.metadata?.name ?? "",
        jobStatus(job),
        completions(job),
        jobDuration(job, now),
        age(job.metadata?.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(job.spec?.selector),
      ],
    };
  },
);

export const cronJobPrinter = definePrinter<CronJob>(
  [
    nameColumn,
    column("Schedule", columnDescriptions.cronSchedule),
    column("Timezone", columnDescriptions.cronTimeZone),
    column("Suspend", columnDescriptions.cronSuspend, { type: "boolean" }),
    column("Active", columnDescriptions.cronActive, { type: "integer" }),
    column("Last Schedule", columnDescriptions.cronLastSchedule),
    ageColumn,
    containersColumn,
    imagesColumn,
    column("Selector", columnDescriptions.jobSelector, { priority: 1 }),
  ],
  (cj, now) => {
    const jobSpec = cj.spec?.jobTemplate?.spec;
    const [names, images] = layoutContainerCells(jobSpec?.template?.spec?.containers);
    const last = cj.status?.lastScheduleTime;
    return {
      cells: [
        cj.metadata?.name ?? "",
        cj.spec?.schedule ?? "",
        cj.spec?.timeZone ?? "<none>",
        printBoolPtr(cj.spec?.suspend),
        (cj.status?.active ?? []).length,
        last ? age(last, now) : "<none>",
        age(cj.metadata?.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(jobSpec?.selector),
      ],
    };
  },
);
