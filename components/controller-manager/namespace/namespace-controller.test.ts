// Namespace controller sync(name) over fake informers, a recording API with discovery and a fake
// clock (upstream namespace_controller_test.go and namespaced_resources_deleter_test.go): a
// terminating namespace is emptied with one deletecollection per namespaced resource and
// finalized; pods within their grace period keep it, with NamespaceContentRemaining.
import { afterEach, expect, test } from "bun:test";
import type { ConfigMap, Namespace, Pod } from "kubernetes-types/core/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { type NamespaceController, startNamespaceController } from "./namespace-controller.ts";

let t: TestControllerContext;
let controller: NamespaceController | undefined;
afterEach(async () => {
  await controller?.stop();
  controller = undefined;
  await t?.close();
});

const NOW = new Date("2026-01-01T00:10:00Z");

const namespace = (name: string, deletionTimestamp?: string, phase?: string): Namespace => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, ...(deletionTimestamp ? { deletionTimestamp } : {}) },
  spec: { finalizers: ["kubernetes"] },
  ...(phase ? { status: { phase } } : {}),
});

const configMap = (ns: string, name: string): ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns },
});

const runningPod = (ns: string, grace: number): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: ns },
  spec: { containers: [], terminationGracePeriodSeconds: grace },
  status: { phase: "Running" },
});

async function start(...namespaces: Namespace[]): Promise<NamespaceController> {
  t = testControllerContext({ now: NOW });
  t.api.seed("/api/v1/namespaces", ...namespaces);
  return startNamespaceController(t.context);
}

interface Conditioned {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
  spec?: { finalizers?: string[] };
}

const body = (action: { body?: unknown } | undefined): Conditioned => (action?.body ?? {}) as Conditioned;

test("a terminating namespace is emptied (deletecollection per namespaced resource) and finalized", async () => {
  controller = await start(namespace("gone", "2026-01-01T00:09:00Z"));
  t.api.seed("/api/v1/configmaps", configMap("gone", "a"), configMap("keep", "b"));
  await t.synced();
  await controller.sync("gone");
  expect(t.api.get("/api/v1/namespaces/gone/configmaps/a")).toBeUndefined();
  expect(t.api.get("/api/v1/namespaces/keep/configmaps/b")).toBeDefined();
  const collections = t.api.actions.filter((a) => a.verb === "deletecollection");
  expect(collections.every((a) => a.namespace === "gone")).toBe(true);
  const resources = collections.map((a) => a.resource);
  expect(resources).toContain("configmaps");
  expect(resources).toContain("deployments");
  expect(resources).not.toContain("nodes"); // cluster-scoped
  expect(resources).not.toContain("localsubjectaccessreviews"); // cannot be deleted
  const nsWrites = t.api.writes("namespaces");
  expect(nsWrites.map((a) => [a.verb, a.subresource])).toEqual([
    ["update", "status"],
    ["update", "status"],
    ["update", "finalize"],
  ]);
  expect(body(nsWrites[0]).status?.phase).toBe("Terminating");
  const conditions = body(nsWrites[1]).status?.conditions ?? [];
  expect(conditions.find((c) => c.type === "NamespaceContentRemaining")).toMatchObject({
    status: "False",
    reason: "ContentRemoved",
  });
  expect(body(nsWrites[2]).spec?.finalizers).toEqual([]);
  expect(t.logs).toContain("namespace gone emptied and finalized");
});

test("a pod within its grace period keeps the namespace; still there after it, it is an error", async () => {
  controller = await start(namespace("gone", "2026-01-01T00:09:50Z", "Terminating"));
  t.api.seed("/api/v1/pods", runningPod("gone", 30));
  // The pod is only marked for deletion, as a real apiserver would while its grace period runs.
  t.api.react("deletecollection", "pods", () => ({ kind: "Status", apiVersion: "v1", status: "Success" }));
  await t.synced();
  await controller.sync("gone");
  expect(t.api.get("/api/v1/namespaces/gone/pods/web")).toBeDefined();
  const nsWrites = t.api.writes("namespaces");
  expect(nsWrites.map((a) => [a.verb, a.subresource])).toEqual([["update", "status"]]);
  const conditions = body(nsWrites[0]).status?.conditions ?? [];
  expect(conditions.find((c) => c.type === "NamespaceContentRemaining")).toMatchObject({
    status: "True",
    reason: "SomeResourcesRemain",
    message: "Some resources are remaining: pods. has 1 resource instances",
  });

  t.api.clearActions();
  t.clock.step(30_000);
  const error = await controller.sync("gone").catch((e: unknown) => e);
  expect((error as Error).message).toBe(
    "unexpected items still remain in namespace: gone for gvr: /v1, Resource=pods",
  );
  expect(t.api.writes("namespaces").some((a) => a.subresource === "finalize")).toBe(false);
});

test("a namespace that is not terminating, or is gone, is left alone", async () => {
  controller = await start(namespace("live"));
  t.api.seed("/api/v1/configmaps", configMap("live", "a"));
  await t.synced();
  await controller.sync("live");
  await controller.sync("missing");
  expect(t.api.writes()).toEqual([]);
  expect(t.api.get("/api/v1/namespaces/live/configmaps/a")).toBeDefined();
});
