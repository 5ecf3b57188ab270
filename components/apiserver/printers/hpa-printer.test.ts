// Cases ported from upstream printers_test.go (TestPrintHPA), plus the autoscaling/v1 shape.

import { expect, test } from "bun:test";
import type { HorizontalPodAutoscaler as HpaV1 } from "kubernetes-types/autoscaling/v1";
import type {
  HorizontalPodAutoscaler as HpaV2,
  MetricSpec,
  MetricStatus,
} from "kubernetes-types/autoscaling/v2";
import { horizontalPodAutoscalerPrinter } from "./hpa-printer.ts";

const now = new Date("2024-06-01T12:00:00Z");
const hpa = (
  metrics?: MetricSpec[],
  currentMetrics?: MetricStatus[],
  minReplicas: number | null = 2,
): HpaV2 => ({
  metadata: { name: "some-hpa" },
  spec: {
    scaleTargetRef: { name: "some-rc", kind: "ReplicationController" },
    ...(minReplicas === null ? {} : { minReplicas }),
    maxReplicas: 10,
    ...(metrics ? { metrics } : {}),
  },
  status: { currentReplicas: 4, desiredReplicas: 5, ...(currentMetrics ? { currentMetrics } : {}) },
});
const targets = (h: HpaV2 | HpaV1) => horizontalPodAutoscalerPrinter.print(h, now).cells[2];

test("minReplicas unset and no metrics", () => {
  expect(horizontalPodAutoscalerPrinter.print(hpa(undefined, undefined, null), now).cells).toEqual([
    "some-hpa",
    "ReplicationController/some-rc",
    "<none>",
    "<unset>",
    10,
    4,
    "<unknown>",
  ]);
});

test("external, pods and object metrics, with and without current values", () => {
  const metric = { name: "some-external-metric" };
  const extAvg: MetricSpec = {
    type: "External",
    external: { metric, target: { type: "AverageValue", averageValue: "100m" } },
  };
  expect(targets(hpa([extAvg]))).toBe("<unknown>/100m (avg)");
  expect(
    targets(hpa([extAvg], [{ type: "External", external: { metric, current: { averageValue: "50m" } } }])),
  ).toBe("50m/100m (avg)");
  const extVal: MetricSpec = {
    type: "External",
    external: { metric, target: { type: "Value", value: "100m" } },
  };
  expect(targets(hpa([extVal]))).toBe("<unknown>/100m");
  expect(
    targets(hpa([extVal], [{ type: "External", external: { metric, current: { value: "50m" } } }])),
  ).toBe("50m/100m");
  const pods: MetricSpec = {
    type: "Pods",
    pods: { metric, target: { type: "AverageValue", averageValue: "100m" } },
  };
  expect(targets(hpa([pods]))).toBe("<unknown>/100m");
  expect(targets(hpa([pods], [{ type: "Pods", pods: { metric, current: { averageValue: "50m" } } }]))).toBe(
    "50m/100m",
  );
  const describedObject = { kind: "Service", name: "some-service" };
  const obj: MetricSpec = {
    type: "Object",
    object: { describedObject, metric, target: { type: "Value", value: "100m" } },
  };
  expect(targets(hpa([obj]))).toBe("<unknown>/100m");
  expect(
    targets(hpa([obj], [{ type: "Object", object: { describedObject, metric, current: { value: "50m" } } }])),
  ).toBe("50m/100m");
});

test("resource and container resource metrics: values and utilization", () => {
  const resVal: MetricSpec = {
    type: "Resource",
    resource: { name: "cpu", target: { type: "AverageValue", averageValue: "100m" } },
  };
  expect(targets(hpa([resVal]))).toBe("cpu: <unknown>/100m");
  expect(
    targets(
      hpa([resVal], [{ type: "Resource", resource: { name: "cpu", current: { averageValue: "50m" } } }]),
    ),
  ).toBe("cpu: 50m/100m");
  const resUtil: MetricSpec = {
    type: "Resource",
    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
  };
  expect(targets(hpa([resUtil]))).toBe("cpu: <unknown>/80%");
  expect(
    targets(
      hpa(
        [resUtil],
        [
          {
            type: "Resource",
            resource: { name: "cpu", current: { averageUtilization: 50, averageValue: "40m" } },
          },
        ],
      ),
    ),
  ).toBe("cpu: 50%/80%");
  const auto: MetricSpec = {
    type: "Resource",
    resource: { name: "memory", target: { type: "Utilization" } },
  };
  expect(targets(hpa([auto]))).toBe("memory: <unknown>/<auto>");
  const cres: MetricSpec = {
    type: "ContainerResource",
    containerResource: {
      name: "cpu",
      container: "application",
      target: { type: "Utilization", averageUtilization: 80 },
    },
  };
  expect(targets(hpa([cres]))).toBe("cpu: <unknown>/80%");
  expect(
    targets(
      hpa(
        [cres],
        [
          {
            type: "ContainerResource",
            containerResource: { name: "cpu", container: "application", current: { averageUtilization: 50 } },
          },
        ],
      ),
    ),
  ).toBe("cpu: 50%/80%");
});

test("more than two metrics are elided", () => {
  const m = (name: string, u: number): MetricSpec => ({
    type: "Resource",
    resource: { name, target: { type: "Utilization", averageUtilization: u } },
  });
  expect(targets(hpa([m("cpu", 80), m("memory", 70), m("cpu", 60)]))).toBe(
    "cpu: <unknown>/80%, memory: <unknown>/70% + 1 more...",
  );
});

test("autoscaling/v1 objects: targetCPUUtilizationPercentage", () => {
  const v1: HpaV1 = {
    metadata: { name: "web" },
    spec: {
      scaleTargetRef: { kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 5,
      targetCPUUtilizationPercentage: 80,
    },
    status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 20 },
  };
  expect(horizontalPodAutoscalerPrinter.print(v1, now).cells).toEqual([
    "web",
    "Deployment/web",
    "cpu: 20%/80%",
    "1",
    5,
    2,
    "<unknown>",
  ]);
  const noStatus: HpaV1 = { ...v1, status: { currentReplicas: 0, desiredReplicas: 0 } };
  expect(targets(noStatus)).toBe("cpu: <unknown>/80%");
});
