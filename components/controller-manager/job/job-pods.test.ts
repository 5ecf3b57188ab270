// Tests for a Job's pods: the tracking finalizer and owner, Indexed pods' index annotation,
// hostname and env, and the completedIndexes text form.

import { expect, test } from "bun:test";
import type { Job } from "kubernetes-types/batch/v1";
import { completionIndexOf, formatIndexes, newJobPod, parseIndexes } from "./job-pods.ts";

const job: Job = {
  metadata: { name: "pi", namespace: "ns", uid: "u1" },
  spec: { template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c" }] } } },
};

test("a job pod carries the tracking finalizer and the job as controller", () => {
  const pod = newJobPod(job);
  expect(pod.metadata?.generateName).toBe("pi-");
  expect(pod.metadata?.finalizers).toEqual(["batch.kubernetes.io/job-tracking"]);
  expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "Job",
    name: "pi",
    uid: "u1",
    controller: true,
  });
  expect(pod.metadata?.labels).toEqual({ a: "b" });
});

test("an Indexed job pod has its index as annotation, label, env and hostname", () => {
  const pod = newJobPod(job, 3);
  expect(pod.metadata?.generateName).toBe("pi-3-");
  expect(completionIndexOf(pod)).toBe(3);
  expect(pod.spec?.hostname).toBe("pi-3");
  expect(pod.spec?.containers[0]?.env?.[0]?.name).toBe("JOB_COMPLETION_INDEX");
});

test("completedIndexes round-trips as ranges", () => {
  expect(formatIndexes([5, 1, 3, 4, 0])).toBe("0-1,3-5");
  expect(formatIndexes([])).toBe("");
  expect([...parseIndexes("0-1,3-5")]).toEqual([0, 1, 3, 4, 5]);
});
