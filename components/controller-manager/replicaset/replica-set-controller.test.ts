// ReplicaSet sync(key) over fake informers and a recording API (upstream replica_set_test.go):
// creations up to replicas with expectations, surplus deletions preferring unready pods,
// adoption and release, waiting on unmet expectations, and a failed create's condition.
import { afterEach, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { testPod } from "../common/testing/test-pod.ts";
import { waitFor } from "../common/testing/wait-for.ts";
import { ReplicaSetController } from "./replica-set-controller.ts";
import { REPLICA_SET_KIND, type Replicated } from "./replicated-kind.ts";

const RS_UID = "rs-uid";
let t: TestControllerContext;
afterEach(() => t?.close());

function replicaSet(replicas: number): Replicated {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "web", namespace: "ns", uid: RS_UID, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "i" }] } },
    },
  };
}

const RS_OWNER = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: RS_UID };

function pod(
  name: string,
  options: { owned?: boolean; ready?: boolean; node?: string; labels?: Record<string, string> } = {},
): Pod {
  return testPod(name, {
    labels: options.labels ?? { app: "web" },
    owner: options.owned === false ? undefined : RS_OWNER,
    node: options.node,
    ready: options.ready ? true : undefined,
    readySince: "2026-01-01T00:00:00Z",
  });
}

async function start(rs: Replicated, pods: Pod[]): Promise<ReplicaSetController> {
  t = testControllerContext();
  t.api.seed("/apis/apps/v1/replicasets", rs);
  t.api.seed("/api/v1/pods", ...pods);
  const controller = new ReplicaSetController({
    client: t.client,
    informers: t.informers,
    recorder: t.context.recorder("replicaset-controller"),
    kind: REPLICA_SET_KIND,
    log: t.context.log,
    now: t.context.now,
  });
  await controller.start();
  await t.synced();
  return controller;
}

test("creates the missing replicas owned by the ReplicaSet and writes status", async () => {
  const controller = await start(replicaSet(3), [pod("a", { ready: true, node: "n1" })]);
  await controller.sync("ns/web");
  const creates = t.api.writes("pods");
  expect(creates.map((a) => a.verb)).toEqual(["create", "create"]);
  const body = creates[0]?.body as Pod;
  expect(body.metadata?.generateName).toBe("web-");
  expect(body.metadata?.labels).toEqual({ app: "web" });
  expect(body.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "ReplicaSet",
    uid: RS_UID,
    controller: true,
  });
  expect(controller.expectations.pending("ns/web")).toEqual({ add: 2, del: 0 });
  const status = t.api.writes("replicasets");
  expect(status).toHaveLength(1);
  expect(status[0]).toMatchObject({ verb: "update", subresource: "status" });
  expect((status[0]?.body as Replicated | undefined)?.status).toMatchObject({
    replicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    observedGeneration: 1,
  });
  expect(t.events.map((e) => e.reason)).toEqual(["SuccessfulCreate", "SuccessfulCreate"]);
});

test("while creations are still expected, a sync only writes status", async () => {
  const controller = await start(replicaSet(3), []);
  controller.expectations.expectCreations("ns/web", 3);
  await controller.sync("ns/web");
  expect(t.api.writes("pods")).toEqual([]);
  expect(t.api.writes("replicasets")).toHaveLength(1);
});

test("deletes the surplus, unscheduled and unready pods first, and tracks their deletion", async () => {
  const controller = await start(replicaSet(1), [
    pod("ready", { ready: true, node: "n1" }),
    pod("pending"),
    pod("unready", { node: "n1" }),
  ]);
  await controller.sync("ns/web");
  const deletes = t.api.writes("pods").filter((a) => a.verb === "delete");
  expect(deletes.map((a) => a.name).sort()).toEqual(["pending", "unready"]);
  expect(controller.expectations.pending("ns/web")).toEqual({ add: 0, del: 2 });
  controller.expectations.deletionObserved("ns/web", "ns/pending");
  controller.expectations.deletionObserved("ns/web", "ns/ready");
  expect(controller.expectations.pending("ns/web")).toEqual({ add: 0, del: 1 });
});

test("adopts a matching orphan after re-reading the owner, and releases a pod that stopped matching", async () => {
  const controller = await start(replicaSet(2), [
    pod("orphan", { owned: false }),
    pod("relabelled", { labels: { app: "other" } }),
    pod("orphan2", { owned: false }),
  ]);
  // A pod controlled by someone else is never adopted.
  t.api.seed("/api/v1/pods", {
    ...pod("foreign"),
    metadata: {
      ...pod("foreign").metadata,
      ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "x", controller: true }],
    },
  });
  await controller.sync("ns/web");
  const patches = t.api.writes("pods").filter((a) => a.verb === "patch");
  expect(patches.map((a) => a.name).sort()).toEqual(["orphan", "orphan2", "relabelled"]);
  const release = patches.find((a) => a.name === "relabelled")?.body;
  expect(release).toEqual({
    metadata: { ownerReferences: [{ $patch: "delete", uid: RS_UID }], uid: "uid-relabelled" },
  });
  expect(
    t.api.actions.some((a) => a.verb === "get" && a.resource === "replicasets" && a.name === "web"),
  ).toBe(true);
  expect(t.api.get<Pod>("/api/v1/namespaces/ns/pods/orphan")?.metadata?.ownerReferences?.[0]?.uid).toBe(
    RS_UID,
  );
  // Two adopted pods make the two replicas: nothing created, nothing deleted.
  expect(t.api.writes("pods").filter((a) => a.verb !== "patch")).toEqual([]);
});

test("an owner replaced under the same name adopts nothing, and the sync fails", async () => {
  const controller = await start(replicaSet(1), [pod("orphan", { owned: false })]);
  t.api.seed("/apis/apps/v1/replicasets", {
    ...replicaSet(1),
    metadata: { ...replicaSet(1).metadata, uid: "new-uid" },
  });
  await expect(controller.sync("ns/web")).rejects.toThrow(
    "original ReplicaSet ns/web is gone: got uid new-uid, wanted rs-uid",
  );
  expect(t.api.writes("pods")).toEqual([]);
});

test("a failed create lowers the expectations, records FailedCreate and sets ReplicaFailure", async () => {
  const controller = await start(replicaSet(2), []);
  t.api.react("create", "pods", () => {
    throw StatusError.forbidden({ group: "", resource: "pods" }, "", "exceeded quota: q");
  });
  await expect(controller.sync("ns/web")).rejects.toThrow("exceeded quota: q");
  expect(controller.expectations.satisfied("ns/web")).toBe(true);
  expect(t.events.map((e) => [e.type, e.reason])).toContainEqual(["Warning", "FailedCreate"]);
  const status = (t.api.writes("replicasets")[0]?.body as Replicated | undefined)?.status;
  expect(status?.conditions?.[0]).toMatchObject({
    type: "ReplicaFailure",
    status: "True",
    reason: "FailedCreate",
  });
});

test("a ReplicaSet that is gone: its expectations are dropped and nothing is written", async () => {
  const controller = await start(replicaSet(1), []);
  controller.expectations.expectCreations("ns/gone", 1);
  await controller.sync("ns/gone");
  expect(controller.expectations.pending("ns/gone")).toBeUndefined();
  expect(t.api.writes()).toEqual([]);
});

test("informer events lower expectations and queue the owner", async () => {
  const controller = await start(replicaSet(1), []);
  controller.expectations.expectCreations("ns/web", 1);
  while (controller.queue.length) {
    const key = await controller.queue.get();
    if (key) controller.queue.done(key);
  }
  t.api.apply("/api/v1/pods", pod("new"));
  await waitFor("the pod's add", () => controller.expectations.satisfied("ns/web"));
  expect(controller.queue.length).toBe(1);
  expect(await controller.queue.get()).toBe("ns/web");
});
