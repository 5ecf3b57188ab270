// Cases ported from upstream printers_test.go (TestPrintJob, TestPrintJobList, TestPrintCronJob).

import { expect, test } from "bun:test";
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import { cronJobPrinter, jobPrinter } from "./batch-printers.ts";

const now = new Date("2024-06-01T12:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
const m = 60_000;
const tenYears = 10 * 365 * 86_400_000;
const row = (job: Job) => jobPrinter.print(job, now).cells.slice(0, 5);

test("Job: STATUS, COMPLETIONS, DURATION", () => {
  const template = {
    spec: {
      containers: [
        { name: "fake-job-container1", image: "fake-job-image1" },
        { name: "fake-job-container2", image: "fake-job-image2" },
      ],
    },
  };
  const job1: Job = {
    metadata: { name: "job1", creationTimestamp: at(1900) },
    spec: { completions: 2, template, selector: { matchLabels: { "job-label": "job-label-value" } } },
    status: { succeeded: 1 },
  };
  expect(jobPrinter.print(job1, now).cells).toEqual([
    "job1",
    "Running",
    "1/2",
    "",
    "0s",
    "fake-job-container1,fake-job-container2",
    "fake-job-image1,fake-job-image2",
    "job-label=job-label-value",
  ]);
  const base = (name: string, status: Job["status"], extra: Partial<Job["metadata"]> = {}): Job => ({
    metadata: { name, creationTimestamp: at(1900), ...extra },
    spec: { template: {} },
    status,
  });
  expect(row(base("job2", { succeeded: 0 }, { creationTimestamp: at(-tenYears) }))).toEqual([
    "job2",
    "Running",
    "0/1",
    "",
    "10y",
  ]);
  expect(row(base("job3", { startTime: at(m), completionTime: at(31 * m) }))[3]).toBe("30m");
  expect(row(base("job4", { startTime: at(-20 * m) }))[3]).toBe("20m");
  const cond = (type: string) => ({ conditions: [{ type, status: "True" }] });
  expect(row(base("job5", cond("Complete")))[1]).toBe("Complete");
  expect(row(base("job6", cond("Failed")))[1]).toBe("Failed");
  expect(row(base("job7", cond("Suspended")))[1]).toBe("Suspended");
  expect(row(base("job8", cond("FailureTarget")))[1]).toBe("FailureTarget");
  expect(row(base("job9", {}, { deletionTimestamp: at(1900) }))[1]).toBe("Terminating");
  expect(row(base("done", { conditions: [{ type: "Complete", status: "False" }] }))[1]).toBe("Running");
  const parallel: Job = {
    metadata: { name: "p" },
    spec: { parallelism: 3, template: {} },
    status: { succeeded: 1 },
  };
  expect(row(parallel)[2]).toBe("1/1 of 3");
});

test("CronJob: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE", () => {
  const cj: CronJob = {
    metadata: { name: "cronjob1", creationTimestamp: at(-5 * m) },
    spec: {
      schedule: "0/5 * * * ?",
      suspend: false,
      jobTemplate: {
        spec: {
          template: { spec: { containers: [{ name: "c", image: "busybox" }] } },
          selector: { matchLabels: { a: "b" } },
        },
      },
    },
    status: { lastScheduleTime: at(-30_000), active: [{ name: "j" }] },
  };
  expect(cronJobPrinter.print(cj, now).cells).toEqual([
    "cronjob1",
    "0/5 * * * ?",
    "<none>",
    "False",
    1,
    "30s",
    "5m",
    "c",
    "busybox",
    "a=b",
  ]);
  const unset: CronJob = {
    metadata: { name: "c2" },
    spec: { schedule: "@hourly", timeZone: "Etc/UTC", jobTemplate: {} },
  };
  expect(cronJobPrinter.print(unset, now).cells.slice(0, 6)).toEqual([
    "c2",
    "@hourly",
    "Etc/UTC",
    "<unset>",
    0,
    "<none>",
  ]);
});
