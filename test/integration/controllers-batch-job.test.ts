// The job and ttl-after-finished controllers against a real apiserver and fake-runtime kubelets,
// whose containers exit on demand: completions with parallelism, backoffLimit with back-off,
// activeDeadlineSeconds, Indexed jobs, the job-tracking finalizer and ttlSecondsAfterFinished.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Job } from "kubernetes-types/batch/v1";
import type { Event, Pod } from "kubernetes-types/core/v1";
import { jobControllerWith } from "../../components/controller-manager/job/job-controller.ts";
import { ttlAfterFinishedController } from "../../components/controller-manager/job/ttl-after-finished-controller.ts";
import { isStatus } from "../../lib/client/api-client.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane;
const base = "/apis/batch/v1/namespaces/default/jobs";

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2"],
    controllers: [jobControllerWith({ backoffBaseMs: 50 }), ttlAfterFinishedController],
    binder: true,
  });
});

afterAll(async () => {
  await cp?.stop();
});

const createJob = (name: string, spec: Record<string, unknown>) =>
  cp.client.create<Job>(base, {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: {
      ...spec,
      template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
    },
  });
const getJob = (name: string) => cp.client.get<Job>(`${base}/${name}`);
const podsOf = async (name: string) =>
  (
    await cp.client.list<{ items: Pod[] }>("/api/v1/namespaces/default/pods", {
      labelSelector: `batch.kubernetes.io/job-name=${name}`,
    })
  ).items;
const running = (name: string, n: number) =>
  cp.until(`${n} running pods of ${name}`, async () => {
    const pods = (await podsOf(name)).filter(
      (p) => p.status?.phase === "Running" && p.status.containerStatuses?.[0]?.containerID,
    );
    return pods.length === n ? pods : undefined;
  });
/** Makes the pod's container exit with `code` through its node's fake runtime. */
const exitPod = (pod: Pod, code: number) => {
  const node = cp.nodes.find((n) => n.name === pod.spec?.nodeName);
  node?.runtime.exit(pod.status?.containerStatuses?.[0]?.containerID?.replace("kube://", "") ?? "", code);
};
const condition = (job: Job, type: string) =>
  job.status?.conditions?.find((c) => c.type === type && c.status === "True");

test("runs to completion: completions 3, parallelism 2", async () => {
  await createJob("done", { completions: 3, parallelism: 2 });
  const first = await running("done", 2);
  expect((await getJob("done")).status?.active).toBe(2);
  expect(first[0]?.metadata?.finalizers).toContain("batch.kubernetes.io/job-tracking");
  for (const pod of first) exitPod(pod, 0);
  const third = await cp.until("the third pod", async () => {
    const pods = (await podsOf("done")).filter((p) => p.status?.phase === "Running");
    return pods.length === 1 && pods[0]?.status?.containerStatuses?.[0]?.containerID ? pods[0] : undefined;
  });
  exitPod(third, 0);
  const job = await cp.until("Complete", async () => {
    const j = await getJob("done");
    return condition(j, "Complete") ? j : undefined;
  });
  expect(job.status).toMatchObject({ succeeded: 3, active: 0 });
  expect(job.status?.failed ?? 0).toBe(0);
  expect(job.status?.startTime).toBeDefined();
  expect(job.status?.completionTime).toBeDefined();
  const pods = await cp.until("finalizers removed", async () => {
    const pods = await podsOf("done");
    return pods.every((p) => !p.metadata?.finalizers?.length) ? pods : undefined;
  });
  expect(pods.length).toBe(3);
  const events = await cp.until("events", async () => {
    const list = await cp.client.list<{ items: Event[] }>("/api/v1/namespaces/default/events");
    const mine = list.items.filter((e) => e.involvedObject.name === "done");
    return mine.some((e) => e.reason === "Completed") ? mine : undefined;
  });
  expect(events.filter((e) => e.reason === "SuccessfulCreate").length).toBe(3);
  expect(events.find((e) => e.reason === "Completed")?.message).toBe("Job completed");
});

test("fails with BackoffLimitExceeded after backoffLimit+1 failed pods", async () => {
  await createJob("flaky", { backoffLimit: 1 });
  exitPod((await running("flaky", 1))[0] as Pod, 1);
  await cp.until("a replacement pod", async () => {
    const pods = (await podsOf("flaky")).filter(
      (p) => p.status?.phase === "Running" && p.status.containerStatuses?.[0]?.containerID,
    );
    if (pods.length === 1) exitPod(pods[0] as Pod, 1);
    return pods.length === 1 ? true : undefined;
  });
  const job = await cp.until("Failed", async () => {
    const j = await getJob("flaky");
    return condition(j, "Failed") ? j : undefined;
  });
  expect(condition(job, "Failed")).toMatchObject({
    reason: "BackoffLimitExceeded",
    message: "Job has reached the specified backoff limit",
  });
  await cp.until("2 failed", async () => ((await getJob("flaky")).status?.failed === 2 ? true : undefined));
  expect((await podsOf("flaky")).length).toBe(2);
});

test("fails with DeadlineExceeded after activeDeadlineSeconds and deletes its pods", async () => {
  await createJob("slow", { activeDeadlineSeconds: 1, parallelism: 2, completions: 4 });
  // No wait for both pods to be Running: on a loaded machine the 1 s deadline can pass first.
  // failed === 2 below proves both were created and then ended by the deadline.
  const job = await cp.until("Failed", async () => {
    const j = await getJob("slow");
    return condition(j, "Failed") ? j : undefined;
  });
  expect(condition(job, "Failed")?.reason).toBe("DeadlineExceeded");
  expect(job.status?.active).toBe(0);
  await cp.until("pods deleted and counted", async () => {
    const j = await getJob("slow");
    return (await podsOf("slow")).length === 0 && j.status?.failed === 2 ? true : undefined;
  });
});

test("Indexed jobs give each pod a completion index and report completedIndexes", async () => {
  await createJob("idx", { completions: 2, parallelism: 2, completionMode: "Indexed" });
  const pods = await running("idx", 2);
  const indexes = pods
    .map((p) => p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"])
    .sort();
  expect(indexes).toEqual(["0", "1"]);
  expect(pods.map((p) => p.spec?.hostname).sort()).toEqual(["idx-0", "idx-1"]);
  for (const pod of pods) exitPod(pod, 0);
  const job = await cp.until("Complete", async () => {
    const j = await getJob("idx");
    return condition(j, "Complete") ? j : undefined;
  });
  expect(job.status?.completedIndexes).toBe("0-1");
  expect(job.status?.succeeded).toBe(2);
});

test("ttlSecondsAfterFinished deletes the finished job", async () => {
  await createJob("ttl", { ttlSecondsAfterFinished: 0 });
  exitPod((await running("ttl", 1))[0] as Pod, 0);
  await cp.until("job deleted", async () => {
    try {
      const j = await getJob("ttl");
      return j.metadata?.deletionTimestamp ? true : undefined;
    } catch (error) {
      return isStatus(error, 404) ? true : undefined;
    }
  });
});
