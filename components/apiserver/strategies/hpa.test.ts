import { describe, expect, test } from "bun:test";
import { hpaStrategy } from "./hpa.ts";
import { created, createErrors } from "./strategy-harness.ts";

describe("horizontalpodautoscaler", () => {
  test("defaults as autoscaling/v2 stores them", () => {
    const obj = created(hpaStrategy, {
      metadata: { name: "web" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        maxReplicas: 5,
        behavior: { scaleDown: {} },
      },
    });
    expect(obj.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      maxReplicas: 5,
      minReplicas: 1,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
        },
      ],
      behavior: {
        scaleDown: { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [
            { type: "Pods", value: 4, periodSeconds: 15 },
            { type: "Percent", value: 100, periodSeconds: 15 },
          ],
        },
      },
    });
    expect(obj.status).toEqual({ desiredReplicas: 0 });
    expect(hpaStrategy.validate?.(obj)).toEqual([]);
  });

  test("replica bounds and target", () => {
    expect(
      createErrors(hpaStrategy, {
        spec: { minReplicas: 3, maxReplicas: 2, scaleTargetRef: { kind: "Deployment" } },
      }),
    ).toEqual([
      "spec.scaleTargetRef.name: Required value",
      "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
    ]);
  });
});

test("metric specs", () => {
  const spec = { scaleTargetRef: { kind: "Deployment", name: "w" }, maxReplicas: 3 };
  expect(
    createErrors(hpaStrategy, {
      spec: {
        ...spec,
        metrics: [
          { type: "Magic" },
          { type: "Resource" },
          { type: "Pods", pods: { metric: { name: "m" }, target: { type: "Most" } } },
        ],
      },
    }),
  ).toEqual([
    'spec.metrics[0].type: Unsupported value: "Magic": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    "spec.metrics[1].resource: Required value: must populate information for the given metric source",
    'spec.metrics[2].pods.target.type: Unsupported value: "Most": supported values: "AverageValue", "Utilization", "Value"',
  ]);
});
