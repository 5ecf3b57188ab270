// StatefulSet sync(key) over fake informers and a recording API (upstream
// stateful_set_control_test.go): OrderedReady creates one ordinal at a time and waits for it,
// Parallel creates all, scale-down removes the highest ordinal first, and a non-member is released.
import { afterEach, expect, test } from "bun:test";
import type { ControllerRevision, StatefulSet, StatefulSetSpec } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { testPod } from "../common/testing/test-pod.ts";
import { type StatefulSetController, startStatefulSetController } from "./stateful-set-controller.ts";

const SET_UID = "set-uid";
let t: TestControllerContext;
afterEach(() => t?.close());

function statefulSet(spec: Partial<StatefulSetSpec> = {}): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db", namespace: "ns", uid: SET_UID, generation: 1 },
    spec: {
      replicas: 3,
      serviceName: "db",
      selector: { matchLabels: { app: "db" } },
      template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "c", image: "i" }] } },
      ...spec,
    },
  };
}

function member(ordinal: number, healthy: boolean, name = `db-${ordinal}`): Pod {
  const owner = { apiVersion: "apps/v1", kind: "StatefulSet", name: "db", uid: SET_UID };
  return testPod(name, {
    labels: { app: "db" },
    owner,
    node: "n1",
    phase: healthy ? "Running" : "Pending",
    ready: healthy,
  });
}

async function start(set: StatefulSet, pods: Pod[] = []): Promise<StatefulSetController> {
  t = testControllerContext();
  t.api.seed("/apis/apps/v1/statefulsets", set);
  t.api.seed("/api/v1/pods", ...pods);
  const controller = startStatefulSetController(t.context);
  await t.synced();
  return controller;
}

const podWrites = () =>
  t.api.writes("pods").map((a) => [a.verb, a.verb === "create" ? (a.body as Pod).metadata?.name : a.name]);

test("OrderedReady creates ordinal 0 with its identity, then waits for it to be Running and Ready", async () => {
  const controller = await start(statefulSet());
  await controller.sync("ns/db");
  expect(podWrites()).toEqual([["create", "db-0"]]);
  const pod = t.api.writes("pods")[0]?.body as Pod;
  expect(pod.spec?.hostname).toBe("db-0");
  expect(pod.spec?.subdomain).toBe("db");
  expect(pod.metadata?.labels).toMatchObject({
    app: "db",
    "statefulset.kubernetes.io/pod-name": "db-0",
    "apps.kubernetes.io/pod-index": "0",
  });
  expect(pod.metadata?.labels?.["controller-revision-hash"]).toMatch(/^db-/);
  await t.close();

  const waiting = await start(statefulSet(), [member(0, false)]);
  await waiting.sync("ns/db");
  expect(podWrites()).toEqual([]);
  expect(t.logs).toContain("StatefulSet ns/db is waiting for Pod db-0 to be Running and Ready");
});

test("Parallel creates every missing ordinal at once", async () => {
  const controller = await start(statefulSet({ podManagementPolicy: "Parallel" }), [member(1, false)]);
  await controller.sync("ns/db");
  expect(podWrites().sort()).toEqual([
    ["create", "db-0"],
    ["create", "db-2"],
  ]);
});

test("scaling down deletes the highest ordinal first, one at a time", async () => {
  const controller = await start(statefulSet({ replicas: 1 }), [
    member(0, true),
    member(1, true),
    member(2, true),
  ]);
  await controller.sync("ns/db");
  expect(podWrites()).toEqual([["delete", "db-2"]]);
  const status = t.api.writes("statefulsets").find((a) => a.subresource === "status")?.body as
    | StatefulSet
    | undefined;
  expect(status?.status).toMatchObject({ replicas: 3, readyReplicas: 3, observedGeneration: 1 });
});

test("an owned pod that is not a member (wrong name) is released, not counted", async () => {
  // OnDelete: db-0 (no revision label in this fixture) is not replaced by a rolling update.
  const set = statefulSet({ replicas: 1, updateStrategy: { type: "OnDelete" } });
  const controller = await start(set, [member(0, true), member(0, true, "stray")]);
  await controller.sync("ns/db");
  const release = t.api.writes("pods").find((a) => a.verb === "patch");
  expect(release?.name).toBe("stray");
  expect(release?.body).toEqual({
    metadata: { ownerReferences: [{ $patch: "delete", uid: SET_UID }], uid: "uid-stray" },
  });
  expect(podWrites().filter(([verb]) => verb !== "patch")).toEqual([]);
});

test("a new revision copies the StatefulSet's annotations (kubectl rollout history's CHANGE-CAUSE)", async () => {
  const set = statefulSet();
  set.metadata = { ...set.metadata, annotations: { "kubernetes.io/change-cause": "image c=i" } };
  const controller = await start(set);
  await controller.sync("ns/db");
  const [revision] = t.api.writes("controllerrevisions").map((a) => a.body as ControllerRevision);
  expect(revision?.metadata?.annotations).toEqual({ "kubernetes.io/change-cause": "image c=i" });
});
