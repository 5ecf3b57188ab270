// CronJob sync(key) over fake informers, a recording API and a fixed clock (upstream
// cronjob_controllerv2_test.go): the missed schedule time's Job named <cronjob>-<minutes>, the
// requeue delay to the next time, Forbid with a running job, and a suspended CronJob.
import { afterEach, expect, test } from "bun:test";
import type { CronJob, CronJobSpec, Job } from "kubernetes-types/batch/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { type CronJobController, startCronJobController } from "./cron-job-controller.ts";

const NOW = new Date("2026-01-01T00:12:00Z");
let t: TestControllerContext;
afterEach(() => t?.close());

function cronJob(spec: Partial<CronJobSpec> = {}, active: string[] = []): CronJob {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "tick", namespace: "ns", uid: "cj-uid", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: {
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "i" }] } } },
      },
      ...spec,
    },
    status: active.length ? { active: active.map((name) => ({ kind: "Job", name, namespace: "ns" })) } : {},
  };
}

function runningJob(name: string): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: "ns",
      uid: `uid-${name}`,
      ownerReferences: [
        { apiVersion: "batch/v1", kind: "CronJob", name: "tick", uid: "cj-uid", controller: true },
      ],
    },
    spec: { template: {} },
    status: { active: 1 },
  };
}

async function start(cj: CronJob, jobs: Job[] = []): Promise<CronJobController> {
  t = testControllerContext({ now: NOW });
  t.api.seed("/apis/batch/v1/cronjobs", cj);
  t.api.seed("/apis/batch/v1/jobs", ...jobs);
  const controller = startCronJobController(t.context);
  await t.synced();
  return controller;
}

test("the latest missed time (00:10) gets its Job; the key comes back at the next time (00:15)", async () => {
  const controller = await start(cronJob());
  const requeue = await controller.sync("ns/tick");
  const jobs = t.api.writes("jobs").map((a) => a.body as Job);
  const minutes = Date.parse("2026-01-01T00:10:00Z") / 60_000;
  expect(jobs.map((j) => j.metadata?.name)).toEqual([`tick-${minutes}`]);
  expect(jobs[0]?.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "CronJob",
    uid: "cj-uid",
    controller: true,
  });
  expect(jobs[0]?.metadata?.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(
    "2026-01-01T00:10:00Z",
  );
  expect(requeue).toBeGreaterThan(0);
  expect(requeue).toBeLessThanOrEqual(3 * 60_000 + 100);
  const status = t.api.writes("cronjobs").at(-1)?.body as CronJob | undefined;
  expect(status?.status?.lastScheduleTime).toBe("2026-01-01T00:10:00Z");
  expect(status?.status?.active?.map((a) => a.name)).toEqual([`tick-${minutes}`]);
  expect(t.events.map((e) => e.reason)).toContain("SuccessfulCreate");
});

test("Forbid with a job still running starts nothing and says why", async () => {
  const controller = await start(cronJob({ concurrencyPolicy: "Forbid" }, ["tick-old"]), [
    runningJob("tick-old"),
  ]);
  await controller.sync("ns/tick");
  expect(t.api.writes("jobs")).toEqual([]);
  expect(t.events.map((e) => e.reason)).toContain("JobAlreadyActive");
});

test("a suspended CronJob starts nothing", async () => {
  const controller = await start(cronJob({ suspend: true }));
  await controller.sync("ns/tick");
  expect(t.api.writes("jobs")).toEqual([]);
});

test("a schedule that never fires (February 31st) is a Warning InvalidSchedule event, no Job, no requeue", async () => {
  const controller = await start(cronJob({ schedule: "59 23 31 2 *" }));
  const requeue = await controller.sync("ns/tick");
  expect(requeue).toBeUndefined();
  expect(t.api.writes("jobs")).toEqual([]);
  expect(t.events.map((e) => [e.type, e.reason, e.message])).toContainEqual([
    "Warning",
    "InvalidSchedule",
    "invalid schedule: 59 23 31 2 * : time difference between two schedules is less than 1 second",
  ]);
});

test("an unparseable schedule is a Warning UnparseableSchedule event naming it quoted, as upstream", async () => {
  const controller = await start(cronJob({ schedule: "61 * * * *" }));
  await controller.sync("ns/tick");
  expect(t.api.writes("jobs")).toEqual([]);
  const event = t.events.find((e) => e.reason === "UnparseableSchedule");
  expect(event?.type).toBe("Warning");
  expect(event?.message.startsWith('unparseable schedule: "61 * * * *" : ')).toBe(true);
});
