// service-lb sync(key) over fake informers and a recording API (k3s servicelb's behaviour): a
// LoadBalancer service's ingress is the Ready nodes' InternalIPs (VIP mode), another class's
// service is left alone, and a service that stopped being a LoadBalancer loses its ingress.
import { afterEach, expect, test } from "bun:test";
import type { Node, Service, ServiceSpec } from "kubernetes-types/core/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { type ServiceLbController, startServiceLbController } from "./service-lb-controller.ts";

let t: TestControllerContext;
afterEach(() => t?.close());

const node = (name: string, ip: string, ready: boolean): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name },
  status: {
    addresses: [
      { type: "Hostname", address: name },
      { type: "InternalIP", address: ip },
    ],
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
  },
});

const service = (spec: Partial<ServiceSpec>, ingress?: string[]): Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "ns" },
  spec: { ports: [{ port: 80 }], ...spec },
  status: ingress ? { loadBalancer: { ingress: ingress.map((ip) => ({ ip, ipMode: "VIP" })) } } : {},
});

async function start(svc: Service): Promise<ServiceLbController> {
  t = testControllerContext();
  t.api.seed("/api/v1/services", svc);
  t.api.seed(
    "/api/v1/nodes",
    node("n2", "10.0.0.12", true),
    node("n1", "10.0.0.11", true),
    node("n3", "10.0.0.13", false),
  );
  const controller = startServiceLbController(t.context);
  await t.synced();
  return controller;
}

test("a LoadBalancer service gets the Ready nodes' InternalIPs, sorted, as VIPs", async () => {
  const controller = await start(service({ type: "LoadBalancer" }));
  await controller.sync("ns/web");
  const writes = t.api.writes("services");
  expect(writes.map((a) => [a.verb, a.subresource])).toEqual([["patch", "status"]]);
  expect(writes[0]?.body).toEqual({
    status: {
      loadBalancer: {
        ingress: [
          { ip: "10.0.0.11", ipMode: "VIP" },
          { ip: "10.0.0.12", ipMode: "VIP" },
        ],
      },
    },
  });
});

test("an ingress already right is not written again", async () => {
  const controller = await start(service({ type: "LoadBalancer" }, ["10.0.0.11", "10.0.0.12"]));
  await controller.sync("ns/web");
  expect(t.api.writes()).toEqual([]);
});

test("another implementation's load balancer class is left alone", async () => {
  const controller = await start(
    service({ type: "LoadBalancer", loadBalancerClass: "example.com/lb" }, ["1.2.3.4"]),
  );
  await controller.sync("ns/web");
  expect(t.api.writes()).toEqual([]);
});

test("a service that is no longer a LoadBalancer loses its ingress", async () => {
  const controller = await start(service({ type: "ClusterIP" }, ["10.0.0.11"]));
  await controller.sync("ns/web");
  expect(t.api.writes("services")[0]?.body).toEqual({ status: { loadBalancer: { ingress: null } } });
});
