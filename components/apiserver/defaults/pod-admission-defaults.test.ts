import { expect, test } from "bun:test";
import { addDefaultTolerations, addPriority } from "./pod-admission-defaults.ts";

test("default tolerations are added once and respect existing ones", () => {
  const spec: Record<string, unknown> = {
    tolerations: [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 },
    ],
  };
  addDefaultTolerations(spec);
  addDefaultTolerations(spec);
  expect(spec.tolerations).toEqual([
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 },
    {
      key: "node.kubernetes.io/unreachable",
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: 300,
    },
  ]);
  const all: Record<string, unknown> = { tolerations: [{ operator: "Exists" }] };
  addDefaultTolerations(all);
  expect(all.tolerations).toEqual([{ operator: "Exists" }]);
});

test("priority", () => {
  const none: Record<string, unknown> = {};
  addPriority(none);
  expect(none).toEqual({ priority: 0, preemptionPolicy: "PreemptLowerPriority" });
  const custom: Record<string, unknown> = { priorityClassName: "high" };
  addPriority(custom);
  expect(custom.priority).toBeUndefined();
});
