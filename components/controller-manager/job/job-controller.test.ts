// Job sync(key) over fake informers and a recording API (upstream job_controller_test.go):
// pods created up to parallelism with the tracking finalizer, finished pods counted through
// uncountedTerminatedPods and their finalizers removed, completion, the back-off limit.
import { afterEach, expect, test } from "bun:test";
import type { Job, JobSpec } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { testPod } from "../common/testing/test-pod.ts";
import { type JobController, startJobController } from "./job-controller.ts";
import { TRACKING_FINALIZER } from "./job-pods.ts";

const JOB_UID = "job-uid";
let t: TestControllerContext;
afterEach(() => t?.close());

function job(spec: Partial<JobSpec> = {}): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "pi", namespace: "ns", uid: JOB_UID },
    spec: {
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": JOB_UID } },
      template: {
        metadata: { labels: { "batch.kubernetes.io/controller-uid": JOB_UID, "job-name": "pi" } },
        spec: { restartPolicy: "Never", containers: [{ name: "c", image: "i" }] },
      },
      ...spec,
    },
    status: { startTime: "2026-01-01T00:00:00Z" },
  };
}

function pod(name: string, phase: string): Pod {
  return testPod(name, {
    phase,
    labels: { "batch.kubernetes.io/controller-uid": JOB_UID, "job-name": "pi" },
    finalizers: [TRACKING_FINALIZER],
    owner: { apiVersion: "batch/v1", kind: "Job", name: "pi", uid: JOB_UID },
  });
}

async function start(j: Job, pods: Pod[]): Promise<JobController> {
  t = testControllerContext();
  t.api.seed("/apis/batch/v1/jobs", j);
  t.api.seed("/api/v1/pods", ...pods);
  const controller = startJobController(t.context, { backoffBaseMs: 10_000 });
  await t.synced();
  return controller;
}

const statusWrites = () =>
  t.api
    .writes("jobs")
    .filter((a) => a.subresource === "status")
    .map((a) => (a.body as Job | undefined)?.status);

test("creates pods up to parallelism, each with the tracking finalizer and the job's labels", async () => {
  const controller = await start(job({ parallelism: 2, completions: 3 }), []);
  await controller.sync("ns/pi");
  const creates = t.api.writes("pods");
  expect(creates.map((a) => a.verb)).toEqual(["create", "create"]);
  const created = creates[0]?.body as Pod;
  expect(created.metadata?.finalizers).toEqual([TRACKING_FINALIZER]);
  expect(created.metadata?.labels).toMatchObject({ "job-name": "pi" });
  expect(created.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "Job",
    uid: JOB_UID,
    controller: true,
  });
  expect(statusWrites().at(-1)).toMatchObject({ active: 2 });
  expect(t.events.filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(2);
});

test("succeeded pods are counted, lose their finalizer, and the job completes", async () => {
  const controller = await start(job({ parallelism: 1, completions: 2 }), [
    pod("a", "Succeeded"),
    pod("b", "Succeeded"),
  ]);
  await controller.sync("ns/pi");
  const statuses = statusWrites();
  // First the pods are recorded as uncounted (so a crash cannot lose them), then counted.
  expect(statuses[0]?.uncountedTerminatedPods?.succeeded?.sort()).toEqual(["uid-a", "uid-b"]);
  const finalizerPatches = t.api.writes("pods").filter((a) => a.verb === "patch");
  expect(finalizerPatches.map((a) => a.name).sort()).toEqual(["a", "b"]);
  const last = statuses.at(-1);
  expect(last?.succeeded).toBe(2);
  expect(last?.conditions?.find((c) => c.type === "Complete")?.status).toBe("True");
  expect(t.api.writes("pods").filter((a) => a.verb === "create")).toEqual([]);
  expect(t.events.map((e) => e.reason)).toContain("Completed");
});

test("a failed pod beyond backoffLimit fails the job with BackoffLimitExceeded", async () => {
  const controller = await start(job({ backoffLimit: 0, completions: 1 }), [pod("a", "Failed")]);
  await controller.sync("ns/pi");
  const last = statusWrites().at(-1);
  expect(last?.failed).toBe(1);
  const failed = last?.conditions?.find((c) => c.type === "Failed");
  expect(failed).toMatchObject({ status: "True", reason: "BackoffLimitExceeded" });
  expect(t.api.writes("pods").filter((a) => a.verb === "create")).toEqual([]);
  expect(t.events.map((e) => [e.type, e.reason])).toContainEqual(["Warning", "BackoffLimitExceeded"]);
});

test("a failed create is a sync error with a FailedCreate event, and lowers the expectations", async () => {
  const controller = await start(job({ parallelism: 1 }), []);
  const heal = t.api.react("create", "pods", () => {
    throw StatusError.internal("no room");
  });
  await expect(controller.sync("ns/pi")).rejects.toThrow("no room");
  expect(t.events.map((e) => [e.type, e.reason])).toContainEqual(["Warning", "FailedCreate"]);
  // Expectations are met again, so the retry creates.
  heal();
  t.api.clearActions();
  await controller.sync("ns/pi");
  expect(t.api.writes("pods").filter((a) => a.verb === "create")).toHaveLength(1);
});

test("a job that is gone writes nothing", async () => {
  const controller = await start(job(), []);
  await controller.sync("ns/missing");
  expect(t.api.writes()).toEqual([]);
});
