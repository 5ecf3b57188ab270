// The Available condition for each case the AvailableConditionController words, with fake
// lookups: local, no Service, wrong port, no Endpoints, no address with the port's name, a
// failing and a passing discovery GET; and discovery documents turned into resource entries.
import { expect, test } from "bun:test";
import type { Endpoints, Service } from "kubernetes-types/core/v1";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { type ApiServiceSpec, availability } from "./availability.ts";
import { localApiServices } from "./local-api-services.ts";
import { remoteResources } from "./remote-resources.ts";

const spec: ApiServiceSpec = {
  group: "metrics.k8s.io",
  version: "v1beta1",
  service: { namespace: "kube-system", name: "metrics-server", port: 443 },
};
const service: Service = { spec: { ports: [{ name: "https", port: 443 }] } };
const endpoints = (name: string, ip?: string): Endpoints => ({
  metadata: {},
  subsets: [{ ...(ip ? { addresses: [{ ip }] } : {}), ports: [{ name, port: 4443 }] }],
});

async function check(svc?: Service, eps?: Endpoints, status = 200, fail?: string) {
  const urls: string[] = [];
  const result = await availability("v1beta1.metrics.k8s.io", spec, {
    service: async () => svc,
    endpoints: async () => eps,
    discover: async (url) => {
      urls.push(url);
      if (fail) throw new Error(fail);
      return {
        status,
        body: { resources: [{ name: "pods", kind: "PodMetrics", namespaced: true, verbs: ["get"] }] },
      };
    },
  });
  return { ...result.condition, urls, discovery: result.discovery };
}

test("every reason, worded as upstream", async () => {
  expect((await availability("v1.", { version: "v1" }, {} as never)).condition).toEqual({
    type: "Available",
    status: "True",
    reason: "Local",
    message: "Local APIServices are always available",
  });
  expect(await check()).toMatchObject({
    status: "False",
    reason: "ServiceNotFound",
    message: 'service/metrics-server in "kube-system" is not present',
  });
  expect(await check({ spec: { ports: [{ port: 80 }] } })).toMatchObject({
    reason: "ServicePortError",
    message: 'service/metrics-server in "kube-system" is not listening on port 443',
  });
  expect(await check(service)).toMatchObject({
    reason: "EndpointsNotFound",
    message: 'cannot find endpoints for service/metrics-server in "kube-system"',
  });
  expect(await check(service, endpoints("https"))).toMatchObject({
    reason: "MissingEndpoints",
    message: 'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
  });
  expect(await check(service, endpoints("other", "10.0.0.9"))).toMatchObject({ reason: "MissingEndpoints" });
  expect(await check(service, endpoints("https", "10.0.0.9"), 503)).toMatchObject({
    reason: "FailedDiscoveryCheck",
    message:
      "failing or missing response from https://10.0.0.9:4443/apis/metrics.k8s.io/v1beta1: bad status from https://10.0.0.9:4443/apis/metrics.k8s.io/v1beta1: 503",
  });
  expect(await check(service, endpoints("https", "10.0.0.9"), 200, "connection refused")).toMatchObject({
    message:
      "failing or missing response from https://10.0.0.9:4443/apis/metrics.k8s.io/v1beta1: connection refused",
  });
  const ok = await check(service, endpoints("https", "10.0.0.9"));
  expect(ok).toMatchObject({ status: "True", reason: "Passed", message: "all checks passed" });
  expect(remoteResources("metrics.k8s.io", "v1beta1", ok.discovery)).toMatchObject([
    {
      group: "metrics.k8s.io",
      version: "v1beta1",
      kind: "PodMetrics",
      plural: "pods",
      singular: "podmetrics",
      namespaced: true,
    },
  ]);
});

test("discovery documents: subresources attach to their resource; junk is ignored", () => {
  const list = {
    resources: [
      { name: "widgets", kind: "Widget", namespaced: false, verbs: ["get", "list"], shortNames: ["wd"] },
      { name: "widgets/status", kind: "Widget", verbs: ["get", "update"] },
      { name: 5 },
    ],
  };
  const [w] = remoteResources("g.example.com", "v1", list);
  expect(w?.subresources).toEqual([{ name: "status", verbs: ["get", "update"] }]);
  expect(w?.shortNames).toEqual(["wd"]);
  expect(remoteResources("g", "v1", "nonsense")).toEqual([]);
});

test("one local APIService per built-in group/version, named version.group", () => {
  const names = localApiServices(RESOURCES, () => true).map((o) => o.metadata?.name);
  expect(names).toContain("v1.");
  expect(names).toContain("v2.autoscaling");
  expect(new Set(names).size).toBe(names.length);
});
