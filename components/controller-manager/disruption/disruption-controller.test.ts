// Disruption sync(key) over fake informers and a recording API (upstream disruption_test.go):
// a PDB's status from its pods and their controller's scale, minAvailable as a number and a
// percentage, and the UnmanagedPods warning for unmanaged pods with a percentage.
import { afterEach, expect, test } from "bun:test";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from "kubernetes-types/policy/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { testPod } from "../common/testing/test-pod.ts";
import { type DisruptionController, startDisruptionController } from "./disruption-controller.ts";

let t: TestControllerContext;
afterEach(() => t?.close());

const pdb = (spec: Partial<PodDisruptionBudgetSpec>): PodDisruptionBudget => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: "web", namespace: "ns", uid: "pdb-uid", generation: 2 },
  spec: { selector: { matchLabels: { app: "web" } }, ...spec },
});

const replicaSet: ReplicaSet = {
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web-1", namespace: "ns", uid: "rs-uid" },
  spec: { replicas: 4, selector: { matchLabels: { app: "web" } }, template: {} },
};

function pod(name: string, ready: boolean, owned = true): Pod {
  const owner = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "rs-uid" };
  return testPod(name, { labels: { app: "web" }, owner: owned ? owner : undefined, node: "n1", ready });
}

async function start(budget: PodDisruptionBudget, pods: Pod[]): Promise<DisruptionController> {
  t = testControllerContext();
  t.api.seed("/apis/policy/v1/poddisruptionbudgets", budget);
  t.api.seed("/apis/apps/v1/replicasets", replicaSet);
  t.api.seed("/api/v1/pods", ...pods);
  const controller = startDisruptionController(t.context);
  await t.synced();
  return controller;
}

const lastStatus = () =>
  (t.api.writes("poddisruptionbudgets").at(-1)?.body as PodDisruptionBudget | undefined)?.status;

test("minAvailable 2 of 3 healthy pods allows one disruption", async () => {
  const controller = await start(pdb({ minAvailable: 2 }), [
    pod("a", true),
    pod("b", true),
    pod("c", true),
    pod("d", false),
  ]);
  await controller.sync("ns/web");
  expect(lastStatus()).toMatchObject({
    currentHealthy: 3,
    desiredHealthy: 2,
    expectedPods: 4,
    disruptionsAllowed: 1,
    observedGeneration: 2,
  });
  expect(lastStatus()?.conditions?.find((c) => c.type === "DisruptionAllowed")?.status).toBe("True");
});

test("a percentage is taken of the controller's scale: 75% of 4 is 3, so no disruption with 3 healthy", async () => {
  const controller = await start(pdb({ minAvailable: "75%" }), [
    pod("a", true),
    pod("b", true),
    pod("c", true),
  ]);
  await controller.sync("ns/web");
  expect(lastStatus()).toMatchObject({
    currentHealthy: 3,
    desiredHealthy: 3,
    expectedPods: 4,
    disruptionsAllowed: 0,
  });
  expect(lastStatus()?.conditions?.find((c) => c.type === "DisruptionAllowed")?.reason).toBe(
    "InsufficientPods",
  );
});

test("unmanaged pods with a percentage: an UnmanagedPods warning and no disruptions", async () => {
  const controller = await start(pdb({ maxUnavailable: "50%" }), [pod("a", true, false)]);
  await controller.sync("ns/web");
  expect(t.events.map((e) => [e.type, e.reason])).toContainEqual(["Warning", "UnmanagedPods"]);
  expect(lastStatus()?.disruptionsAllowed).toBe(0);
});
