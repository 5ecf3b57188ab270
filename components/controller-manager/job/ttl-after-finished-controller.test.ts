// TTL-after-finished sync(key) over fake informers, a recording API and a fixed clock (upstream
// ttlafterfinished_controller_test.go): an expired finished Job is deleted in the foreground
// after a fresh read; one not yet expired is requeued; a raised TTL on the live object wins.
import { afterEach, expect, test } from "bun:test";
import type { Job } from "kubernetes-types/batch/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import {
  startTtlAfterFinishedController,
  type TtlAfterFinishedController,
} from "./ttl-after-finished-controller.ts";

const NOW = new Date("2026-01-01T01:00:00Z");
let t: TestControllerContext;
afterEach(() => t?.close());

const job = (ttl: number | undefined, completed = "2026-01-01T00:59:00Z"): Job => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "done", namespace: "ns", uid: "job-uid" },
  spec: { ttlSecondsAfterFinished: ttl, template: {} },
  status: {
    completionTime: completed,
    conditions: [{ type: "Complete", status: "True", lastTransitionTime: completed }],
  },
});

async function start(j: Job): Promise<TtlAfterFinishedController> {
  t = testControllerContext({ now: NOW });
  t.api.seed("/apis/batch/v1/jobs", j);
  const controller = startTtlAfterFinishedController(t.context);
  await t.synced();
  return controller;
}

test("an expired finished Job is deleted in the foreground, with its uid as precondition", async () => {
  const controller = await start(job(30));
  await controller.sync("ns/done");
  expect(t.api.writes("jobs").map((a) => [a.verb, a.name, a.body])).toEqual([
    [
      "delete",
      "done",
      {
        kind: "DeleteOptions",
        apiVersion: "v1",
        propagationPolicy: "Foreground",
        preconditions: { uid: "job-uid" },
      },
    ],
  ]);
});

test("a Job whose TTL has not run out is not deleted", async () => {
  const controller = await start(job(120));
  await controller.sync("ns/done");
  expect(t.api.writes()).toEqual([]);
});

test("the live object's raised TTL wins over the stale cache", async () => {
  const controller = await start(job(30));
  t.api.seed("/apis/batch/v1/jobs", job(3600));
  await controller.sync("ns/done");
  expect(t.api.actions.map((a) => a.verb)).toContain("get");
  expect(t.api.writes()).toEqual([]);
});

test("a Job without a TTL or not finished is never considered", async () => {
  const controller = await start({ ...job(undefined) });
  await controller.sync("ns/done");
  expect(t.api.actions.filter((a) => a.resource === "jobs" && a.verb !== "watch")).toEqual([]);
});
