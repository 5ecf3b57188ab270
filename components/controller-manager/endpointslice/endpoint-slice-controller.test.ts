// EndpointSlice sync(key) over fake informers and a recording API (upstream
// endpointslice_controller_test.go): a slice per port set with the service-name and managed-by
// labels and the Service as owner, a placeholder slice when no pod is ready, deletion with the service.
import { afterEach, expect, test } from "bun:test";
import type { Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { EndpointSliceController } from "./endpoint-slice-controller.ts";

let t: TestControllerContext;
afterEach(() => t?.close());

const service: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "ns", uid: "svc-uid" },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
};

const pod = (name: string, ip: string): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "ns", uid: `uid-${name}`, labels: { app: "web" } },
  spec: { nodeName: "n1", containers: [{ name: "c", image: "i" }] },
  status: { phase: "Running", podIP: ip, conditions: [{ type: "Ready", status: "True" }] },
});

async function start(services: Service[], pods: Pod[], slices: EndpointSlice[] = []) {
  t = testControllerContext();
  t.api.seed("/api/v1/services", ...services);
  t.api.seed("/api/v1/pods", ...pods);
  t.api.seed("/apis/discovery.k8s.io/v1/endpointslices", ...slices);
  const controller = new EndpointSliceController(t.context, { maxEndpointsPerSlice: 2 });
  await controller.start();
  await t.synced();
  return controller;
}

test("creates slices of at most maxEndpointsPerSlice, labelled and owned by the service", async () => {
  const controller = await start(
    [service],
    [pod("a", "10.0.0.2"), pod("b", "10.0.0.3"), pod("c", "10.0.0.4")],
  );
  await controller.sync("ns/web");
  const creates = t.api.writes("endpointslices").map((a) => a.body as EndpointSlice);
  expect(creates).toHaveLength(2);
  expect(creates.map((s) => s.endpoints.length).sort()).toEqual([1, 2]);
  for (const slice of creates) {
    expect(slice.metadata?.generateName).toBe("web-");
    expect(slice.metadata?.labels).toEqual({
      "kubernetes.io/service-name": "web",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    });
    expect(slice.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "Service",
      uid: "svc-uid",
      controller: true,
    });
    expect(slice.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    expect(slice.addressType).toBe("IPv4");
  }
});

test("a service without pods gets one placeholder slice without ports", async () => {
  const controller = await start([service], []);
  await controller.sync("ns/web");
  const creates = t.api.writes("endpointslices").map((a) => a.body as EndpointSlice);
  expect(creates.map((s) => [s.endpoints, s.ports])).toEqual([[[], []]]);
});

test("the managed slices of a deleted service are deleted, others are left", async () => {
  const managed: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    addressType: "IPv4",
    endpoints: [],
    metadata: {
      name: "web-abcde",
      namespace: "ns",
      labels: {
        "kubernetes.io/service-name": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
      },
    },
  };
  const foreign: EndpointSlice = {
    ...managed,
    metadata: { name: "web-custom", namespace: "ns", labels: { "kubernetes.io/service-name": "web" } },
  };
  const controller = await start([], [], [managed, foreign]);
  await controller.sync("ns/web");
  expect(t.api.writes("endpointslices").map((a) => [a.verb, a.name])).toEqual([["delete", "web-abcde"]]);
});
