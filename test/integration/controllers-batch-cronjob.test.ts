// The cronjob controller against a real apiserver with an injected clock: a Job named
// `<cronjob>-<unix minutes>` per schedule time, Forbid and Replace, lastScheduleTime and
// lastSuccessfulTime, history limits. Jobs are finished by writing their status (no job controller).

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import type { Event } from "kubernetes-types/core/v1";
import { cronJobControllerWith } from "../../components/controller-manager/cronjob/cron-job-controller.ts";
import { isStatus } from "../../lib/client/api-client.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane;
let clock = new Date();
const base = "/apis/batch/v1/namespaces/default/cronjobs";
const jobs = "/apis/batch/v1/namespaces/default/jobs";
let pokes = 0;

beforeAll(async () => {
  cp = await startControlPlane({ controllers: [cronJobControllerWith({ now: () => clock })] });
});

afterAll(async () => {
  await cp?.stop();
});

/** Moves the clock and makes the controller look again (an update event). */
const advanceTo = async (time: number) => {
  clock = new Date(time);
  await cp.client.patch(`${base}/tick`, { metadata: { annotations: { "kt-poke": String(++pokes) } } });
};
const getCj = () => cp.client.get<CronJob>(`${base}/tick`);
const jobNames = async () =>
  (await cp.client.list<{ items: Job[] }>(jobs)).items
    .filter((j) => !j.metadata?.deletionTimestamp)
    .map((j) => j.metadata?.name);
const finish = async (name: string, at: Date) => {
  const job = await cp.client.get<Job>(`${jobs}/${name}`);
  const time = `${at.toISOString().slice(0, 19)}Z`;
  await cp.client.update(`${jobs}/${name}/status`, {
    ...job,
    status: {
      startTime: time,
      completionTime: time,
      succeeded: 1,
      conditions: [{ type: "Complete", status: "True", lastProbeTime: time, lastTransitionTime: time }],
    },
  });
};
const events = async (reason: string) =>
  (await cp.client.list<{ items: Event[] }>("/api/v1/namespaces/default/events")).items.filter(
    (e) => e.involvedObject.name === "tick" && e.reason === reason,
  );

let created = 0;
const minute = (n: number) => (Math.floor(created / 60_000) + n) * 60_000;

test("creates the job for a schedule time once the clock reaches it", async () => {
  const cj = await cp.client.create<CronJob>(base, {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "tick" },
    spec: {
      schedule: "* * * * *",
      successfulJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { app: "tick" } },
        spec: {
          template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
        },
      },
    },
  });
  created = Date.parse(cj.metadata?.creationTimestamp ?? "");
  clock = new Date(created);
  await advanceTo(created); // nothing due yet
  await advanceTo(minute(1) + 5_000);
  const name = `tick-${minute(1) / 60_000}`;
  const job = await cp.until("the first job", async () => {
    try {
      return await cp.client.get<Job>(`${jobs}/${name}`);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  });
  expect(job.metadata?.labels?.app).toBe("tick");
  expect(job.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "CronJob",
    name: "tick",
    controller: true,
  });
  expect(job.metadata?.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(
    new Date(minute(1)).toISOString().replace(".000Z", "Z"),
  );
  const status = await cp.until("status", async () => {
    const s = (await getCj()).status;
    return s?.active?.length === 1 ? s : undefined;
  });
  expect(status.lastScheduleTime).toBe(new Date(minute(1)).toISOString().replace(".000Z", "Z"));
  expect(status.active?.[0]?.name).toBe(name);
  expect(await jobNames()).toEqual([name]);
});

test("Forbid skips a run while one is active; it runs once the active one finished", async () => {
  await cp.client.patch(`${base}/tick`, { spec: { concurrencyPolicy: "Forbid" } });
  await advanceTo(minute(2) + 5_000);
  await cp.until("JobAlreadyActive", async () =>
    (await events("JobAlreadyActive")).length ? true : undefined,
  );
  expect((await jobNames()).length).toBe(1);
  await finish(`tick-${minute(1) / 60_000}`, new Date(minute(1) + 30_000));
  await cp.until("the second job", async () =>
    (await jobNames()).includes(`tick-${minute(2) / 60_000}`) ? true : undefined,
  );
  const status = await cp.until("lastSuccessfulTime", async () => {
    const s = (await getCj()).status;
    return s?.lastSuccessfulTime && s.active?.length === 1 ? s : undefined;
  });
  expect(status.lastSuccessfulTime).toBe(new Date(minute(1) + 30_000).toISOString().replace(".000Z", "Z"));
});

test("Replace deletes the active job and starts the new one; history is trimmed to the limit", async () => {
  await finish(`tick-${minute(2) / 60_000}`, new Date(minute(2) + 30_000));
  await cp.client.patch(`${base}/tick`, { spec: { concurrencyPolicy: "Replace" } });
  await advanceTo(minute(3) + 5_000);
  await cp.until("job 3", async () =>
    (await jobNames()).includes(`tick-${minute(3) / 60_000}`) ? true : undefined,
  );
  // successfulJobsHistoryLimit 1: of the two finished jobs only the newest stays.
  await cp.until("history trimmed", async () => {
    const names = await jobNames();
    return !names.includes(`tick-${minute(1) / 60_000}`) && names.includes(`tick-${minute(2) / 60_000}`)
      ? true
      : undefined;
  });
  await advanceTo(minute(4) + 5_000);
  await cp.until("job 4 replacing job 3", async () => {
    const names = await jobNames();
    return names.includes(`tick-${minute(4) / 60_000}`) && !names.includes(`tick-${minute(3) / 60_000}`)
      ? true
      : undefined;
  });
  // The controller creates the job before it writes the CronJob's status (as upstream's syncCronJob):
  // the job list can show job 4 while status.active still names job 3 for a moment.
  const active = await cp.until("status.active names job 4 only", async () => {
    const names = (await getCj()).status?.active?.map((a) => a.name);
    return names?.length === 1 && names[0] === `tick-${minute(4) / 60_000}` ? names : undefined;
  });
  expect(active).toEqual([`tick-${minute(4) / 60_000}`]);
});

test("a suspended CronJob runs the missed time when resumed", async () => {
  await cp.client.patch(`${base}/tick`, { spec: { suspend: true } });
  await advanceTo(minute(5) + 5_000);
  await cp.client.patch(`${base}/tick`, { spec: { suspend: false } });
  await cp.until("job 5", async () =>
    (await jobNames()).includes(`tick-${minute(5) / 60_000}`) ? true : undefined,
  );
});
