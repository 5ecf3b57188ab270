// Unit tests of the replica calculation: tolerance, missing pods on a scale-down, limits.
import { expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import type { PodMetric } from "./metrics-source.ts";
import { calculateReplicas } from "./replica-calculator.ts";
import { withRules } from "./replica-normalizer.ts";

const now = new Date("2024-01-01T01:00:00Z");
const opts = { tolerance: 0.1, cpuInitializationPeriodMs: 0, initialReadinessDelayMs: 30_000, now };
const pod = (name: string): Pod => ({
  metadata: { name },
  spec: { containers: [{ name: "c", resources: { requests: { cpu: "100m" } } }] },
  status: {
    phase: "Running",
    startTime: "2024-01-01T00:00:00Z",
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2024-01-01T00:00:10Z" }],
  },
});
const usage = (values: Record<string, number>) =>
  new Map<string, PodMetric>(
    Object.entries(values).map(([k, v]) => [k, { value: v, timestamp: now, windowMs: 10_000 }]),
  );

test("within tolerance keeps the current count; above it scales by the ratio", () => {
  const pods = [pod("a"), pod("b")];
  expect(calculateReplicas(2, pods, usage({ a: 52, b: 54 }), "cpu", { utilization: 50 }, opts).replicas).toBe(
    2,
  );
  const up = calculateReplicas(2, pods, usage({ a: 100, b: 100 }), "cpu", { utilization: 50 }, opts);
  expect(up).toEqual({ replicas: 4, utilization: 100, averageValue: 100 });
});

test("a pod without metrics counts as at its request on a scale-down", () => {
  const pods = [pod("a"), pod("b")];
  // a alone says 10% (1 replica); b counted at 100% makes 55% -> ratio 1.1, within tolerance.
  expect(calculateReplicas(2, pods, usage({ a: 10 }), "cpu", { utilization: 50 }, opts).replicas).toBe(2);
});

test("averageValue targets divide the average usage by the target", () => {
  const pods = [pod("a"), pod("b")];
  expect(
    calculateReplicas(2, pods, usage({ a: 300, b: 300 }), "cpu", { averageValue: 100 }, opts).replicas,
  ).toBe(6);
});

test("limits: min, max, and at most max(2 * current, 4) in one step", () => {
  expect(withRules(1, 10, 1, 20).replicas).toBe(4);
  expect(withRules(3, 10, 1, 8)).toMatchObject({ replicas: 6, reason: "ScaleUpLimit" });
  expect(withRules(3, 10, 1, 5)).toMatchObject({ replicas: 5, reason: "TooManyReplicas" });
  expect(withRules(3, 0, 2, 8)).toMatchObject({ replicas: 2, reason: "TooFewReplicas" });
});
