// Cases ported from upstream printers_test.go (TestPrintNamespace, TestPrintSecret, TestPrintServiceAccount,
// TestPrintPodTemplate, TestPrintReplicationController, TestPrintResourceQuota, TestPrintComponentStatus).

import { expect, test } from "bun:test";
import {
  componentStatusPrinter,
  configMapPrinter,
  namespacePrinter,
  podTemplatePrinter,
  replicationControllerPrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from "./core-printers.ts";

const now = new Date("2024-06-01T12:00:00Z");
const justNow = new Date(now.getTime() + 1900).toISOString();

test("Namespace", () => {
  expect(
    namespacePrinter.print(
      { metadata: { name: "namespace1", creationTimestamp: justNow }, status: { phase: "FooStatus" } },
      now,
    ).cells,
  ).toEqual(["namespace1", "FooStatus", "0s"]);
  expect(namespacePrinter.print({ metadata: { name: "namespace2" } }, now).cells).toEqual([
    "namespace2",
    "",
    "<unknown>",
  ]);
});

test("Secret, ConfigMap and ServiceAccount counts are integers", () => {
  const secret = {
    metadata: { name: "secret1", creationTimestamp: justNow },
    type: "kubernetes.io/service-account-token",
  };
  expect(secretPrinter.print({ ...secret, data: { token: "c2VjcmV0" } }, now).cells).toEqual([
    "secret1",
    "kubernetes.io/service-account-token",
    1,
    "0s",
  ]);
  expect(secretPrinter.print(secret, now).cells[2]).toBe(0);
  expect(
    configMapPrinter.print(
      { metadata: { name: "cm" }, data: { a: "1", b: "2" }, binaryData: { c: "AA==" } },
      now,
    ).cells,
  ).toEqual(["cm", 3, "<unknown>"]);
  expect(
    serviceAccountPrinter.print({ metadata: { name: "sa1", creationTimestamp: justNow }, secrets: [] }, now)
      .cells,
  ).toEqual(["sa1", 0, "0s"]);
  expect(
    serviceAccountPrinter.print(
      { metadata: { name: "sa1" }, secrets: [{ name: "Secret1" }, { name: "Secret2" }] },
      now,
    ).cells[1],
  ).toBe(2);
});

test("PodTemplate", () => {
  const pt = (labels?: Record<string, string>, containers: Array<{ name: string; image?: string }> = []) => ({
    metadata: { name: "pod-template" },
    template: { metadata: { ...(labels ? { labels } : {}) }, spec: { containers } },
  });
  expect(podTemplatePrinter.print(pt(), now).cells).toEqual(["pod-template", "", "", "<none>"]);
  expect(
    podTemplatePrinter.print(
      pt(undefined, [
        { name: "fake-container1", image: "fake-image1" },
        { name: "fake-container2", image: "fake-image2" },
      ]),
      now,
    ).cells,
  ).toEqual(["pod-template", "fake-container1,fake-container2", "fake-image1,fake-image2", "<none>"]);
  expect(podTemplatePrinter.print(pt({ foo: "bar" }), now).cells[3]).toBe("foo=bar");
});

test("ReplicationController", () => {
  const rc = {
    metadata: { name: "rc1", creationTimestamp: justNow },
    spec: {
      replicas: 5,
      selector: { a: "b" },
      template: { spec: { containers: [{ name: "test", image: "test_image" }] } },
    },
    status: { replicas: 5, readyReplicas: 3 },
  };
  expect(replicationControllerPrinter.print(rc, now).cells).toEqual([
    "rc1",
    5,
    5,
    3,
    "0s",
    "test",
    "test_image",
    "a=b",
  ]);
});

test("ResourceQuota: sorted resources, limits.* in LIMIT, canonical quantities", () => {
  const rq = {
    metadata: { name: "compute", creationTimestamp: justNow },
    status: {
      hard: {
        "limits.cpu": "2",
        "limits.memory": "2048Mi",
        "requests.cpu": "1",
        "requests.memory": "1Gi",
        pods: "10",
        cpu: "500m",
      },
      used: { "limits.cpu": "500m", "requests.cpu": "250m", pods: "3", "requests.memory": "128Mi" },
    },
  };
  expect(resourceQuotaPrinter.print(rq, now).cells).toEqual([
    "compute",
    "cpu: 0/500m, pods: 3/10, requests.cpu: 250m/1, requests.memory: 128Mi/1Gi",
    "limits.cpu: 500m/2, limits.memory: 0/2Gi",
    "0s",
  ]);
  expect(resourceQuotaPrinter.print({ metadata: { name: "empty" } }, now).cells).toEqual([
    "empty",
    "",
    "",
    "<unknown>",
  ]);
});

test("ComponentStatus", () => {
  const cs = (conditions: Array<{ type: string; status: string; message?: string; error?: string }>) =>
    componentStatusPrinter.print({ metadata: { name: "etcd-0" }, conditions }, now).cells;
  expect(cs([{ type: "Healthy", status: "True", message: "ok" }])).toEqual(["etcd-0", "Healthy", "ok", ""]);
  expect(cs([{ type: "Healthy", status: "False", error: "connection refused" }])).toEqual([
    "etcd-0",
    "Unhealthy",
    "",
    "connection refused",
  ]);
  expect(cs([])).toEqual(["etcd-0", "Unknown", "", ""]);
});
