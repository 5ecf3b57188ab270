// Garbage collector sync(uid) over fake informers and a recording API that serves discovery
// (upstream garbagecollector_test.go): a dependent whose owner is gone is deleted with its uid
// as precondition, a live owner keeps it, a foreground owner with no blocking dependents loses
// its finalizer, and discovery adds and drops custom resources' monitors.
import { afterEach, expect, test } from "bun:test";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { ResourceInfo } from "../../../lib/api/resources.ts";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { waitFor } from "../common/testing/wait-for.ts";
import { type GarbageCollector, startGarbageCollector } from "./garbage-collector.ts";

let t: TestControllerContext;
let gc: GarbageCollector | undefined;
afterEach(async () => {
  await gc?.stop();
  gc = undefined;
  await t?.close();
});

const rsRef = (name: string, uid: string): OwnerReference => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  name,
  uid,
  controller: true,
  blockOwnerDeletion: true,
});

const pod = (owners: OwnerReference[]): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "ns", uid: "pod-uid", ownerReferences: owners },
  spec: { containers: [] },
});

const replicaSet = (uid: string, extra: ReplicaSet["metadata"] = {}): ReplicaSet => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "rs", namespace: "ns", uid, ...extra },
  spec: { selector: {}, template: {} },
});

const widgets: ResourceInfo = {
  group: "example.com",
  version: "v1",
  kind: "Widget",
  plural: "widgets",
  singular: "widget",
  namespaced: true,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  shortNames: [],
  categories: [],
  subresources: [],
  storagePrefix: "/registry/example.com/widgets",
};

async function start(seed: (t: TestControllerContext) => void): Promise<GarbageCollector> {
  t = testControllerContext();
  seed(t);
  const collector = startGarbageCollector(t.context);
  gc = collector;
  await collector.synced;
  await t.synced();
  return collector;
}

test("a dependent whose owner is gone is deleted in the background, its uid the precondition", async () => {
  const collector = await start((t) => t.api.seed("/api/v1/pods", pod([rsRef("rs", "rs-uid")])));
  expect(collector.graph.get("pod-uid")?.observed).toBe(true);
  await collector.sync("pod-uid");
  expect(t.api.writes().map((a) => [a.verb, a.resource, a.name, a.body])).toEqual([
    [
      "delete",
      "pods",
      "web",
      {
        kind: "DeleteOptions",
        apiVersion: "v1",
        propagationPolicy: "Background",
        preconditions: { uid: "pod-uid" },
      },
    ],
  ]);
  expect(t.api.actions.some((a) => a.verb === "get" && a.resource === "replicasets")).toBe(true);
});

test("a live owner keeps its dependent; a reference to a gone owner beside it is patched away", async () => {
  const collector = await start((t) => {
    t.api.seed("/apis/apps/v1/replicasets", replicaSet("rs-uid"));
    t.api.seed("/api/v1/pods", pod([rsRef("rs", "rs-uid"), rsRef("old", "old-uid")]));
  });
  await collector.sync("pod-uid");
  const writes = t.api.writes();
  expect(writes.map((a) => [a.verb, a.resource, a.name])).toEqual([["patch", "pods", "web"]]);
  const patch = (writes[0]?.body ?? {}) as { metadata?: { ownerReferences?: OwnerReference[] } };
  expect(patch.metadata?.ownerReferences?.map((r) => r.uid)).toEqual(["rs-uid"]);
});

test("an owner deleting in the foreground with no blocking dependent loses the finalizer", async () => {
  const collector = await start((t) =>
    t.api.seed(
      "/apis/apps/v1/replicasets",
      replicaSet("rs-uid", { deletionTimestamp: "2026-01-01T00:09:00Z", finalizers: ["foregroundDeletion"] }),
    ),
  );
  await collector.sync("rs-uid");
  const writes = t.api.writes();
  expect(writes.map((a) => [a.verb, a.resource, a.name])).toEqual([["patch", "replicasets", "rs"]]);
  const patch = (writes[0]?.body ?? {}) as { metadata?: { finalizers?: unknown } };
  expect(patch.metadata?.finalizers).toBeNull();
});

test("resync monitors a custom resource discovery now serves, and drops it when it goes", async () => {
  const collector = await start(() => {});
  t.api.resources.push(widgets);
  t.api.seed("/apis/example.com/v1/widgets", {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w", namespace: "ns", uid: "widget-uid" },
  });
  await collector.resync();
  await waitFor("the widget in the graph", () => collector.graph.get("widget-uid") !== undefined);
  expect(collector.graph.get("widget-uid")?.identity.kind).toBe("Widget");
  t.api.resources.splice(t.api.resources.indexOf(widgets), 1);
  await collector.resync();
  expect(t.logs).toContain("stopped monitoring example.com/widgets");
});
