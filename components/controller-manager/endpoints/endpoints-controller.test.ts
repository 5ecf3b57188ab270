// Endpoints sync(key) over fake informers and a recording API (upstream endpoints_controller_test.go):
// ready and not-ready addresses with resolved ports, no write when nothing changed, the headless
// label, deletion with the service, selector-less services left alone, and a failed write's event.
import { afterEach, expect, test } from "bun:test";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { waitFor } from "../common/testing/wait-for.ts";
import { EndpointsController } from "./endpoints-controller.ts";

let t: TestControllerContext;
afterEach(() => t?.close());

function service(spec: Service["spec"] = {}): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "ns", uid: "svc-uid", labels: { team: "a" } },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "web" }], ...spec },
  };
}

function pod(name: string, ip: string, ready: boolean, namespace = "ns"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, uid: `uid-${name}`, labels: { app: "web" } },
    spec: {
      nodeName: "n1",
      containers: [{ name: "c", image: "i", ports: [{ name: "web", containerPort: 8080 }] }],
    },
    status: {
      phase: "Running",
      podIP: ip,
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}

async function start(objects: { services?: Service[]; pods?: Pod[]; endpoints?: Endpoints[] }) {
  t = testControllerContext();
  t.api.seed("/api/v1/services", ...(objects.services ?? []));
  t.api.seed("/api/v1/pods", ...(objects.pods ?? []));
  t.api.seed("/api/v1/endpoints", ...(objects.endpoints ?? []));
  const controller = new EndpointsController(t.context);
  await controller.start();
  await t.synced();
  return controller;
}

test("creates Endpoints with ready and not-ready addresses on the pods' named port", async () => {
  const controller = await start({
    services: [service()],
    pods: [pod("a", "10.0.0.2", true), pod("b", "10.0.0.3", false), pod("other-ns", "10.0.0.4", true, "x")],
  });
  await controller.sync("ns/web");
  const writes = t.api.writes("endpoints");
  expect(writes.map((a) => a.verb)).toEqual(["create"]);
  const ep = writes[0]?.body as Endpoints;
  expect(ep.metadata).toMatchObject({ name: "web", namespace: "ns", labels: { team: "a" } });
  expect(ep.subsets).toHaveLength(1);
  expect(ep.subsets?.[0]?.addresses?.map((a) => [a.ip, a.targetRef?.name])).toEqual([["10.0.0.2", "a"]]);
  expect(ep.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip)).toEqual(["10.0.0.3"]);
  expect(ep.subsets?.[0]?.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
});

test("unchanged Endpoints are not written again; a headless service gets the headless label", async () => {
  const controller = await start({
    services: [service({ clusterIP: "None" })],
    pods: [pod("a", "10.0.0.2", true)],
  });
  await controller.sync("ns/web");
  const created = t.api.writes("endpoints")[0]?.body as Endpoints;
  expect(created.metadata?.labels).toEqual({ team: "a", "service.kubernetes.io/headless": "" });
  // The informer now shows what was written: the next sync has nothing to do.
  t.api.apply("/api/v1/endpoints", created);
  await waitFor(
    "the endpoints in the cache",
    () => t.informers.for<Endpoints>("/api/v1/endpoints").get("ns/web") !== undefined,
  );
  t.api.clearActions();
  await controller.sync("ns/web");
  expect(t.api.writes()).toEqual([]);
});

test("the Endpoints of a deleted service are deleted; 404 is fine", async () => {
  const controller = await start({});
  await controller.sync("ns/web");
  expect(t.api.writes("endpoints").map((a) => [a.verb, a.namespace, a.name])).toEqual([
    ["delete", "ns", "web"],
  ]);
});

test("a service without a selector is left alone", async () => {
  const controller = await start({
    services: [service({ selector: undefined })],
    pods: [pod("a", "10.0.0.2", true)],
  });
  await controller.sync("ns/web");
  expect(t.api.writes()).toEqual([]);
});

test("a failed update records FailedToUpdateEndpoint on the service and fails the sync", async () => {
  const stale: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "web", namespace: "ns" },
    subsets: [],
  };
  const controller = await start({
    services: [service()],
    pods: [pod("a", "10.0.0.2", true)],
    endpoints: [stale],
  });
  t.api.react("update", "endpoints", () => {
    throw StatusError.internal("storage down");
  });
  await expect(controller.sync("ns/web")).rejects.toThrow("storage down");
  expect(t.events.map((e) => [e.object.kind, e.type, e.reason])).toEqual([
    ["Service", "Warning", "FailedToUpdateEndpoint"],
  ]);
});

test("a pod change queues the services that select it, before or after the change", async () => {
  const controller = await start({ services: [service()] });
  while (controller.queue.length) controller.queue.done((await controller.queue.get()) ?? "");
  t.api.apply("/api/v1/pods", pod("a", "10.0.0.2", true));
  await waitFor("the service to be queued", () => controller.queue.length === 1);
  expect(await controller.queue.get()).toBe("ns/web");
});
