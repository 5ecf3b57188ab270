import { expect, test } from "bun:test";
import { defaultJobSpec, validateJobSpec } from "./job-spec.ts";

test("job spec defaults", () => {
  const spec: Record<string, unknown> = {
    podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] },
  };
  defaultJobSpec(spec);
  expect(spec).toEqual({
    completions: 1,
    parallelism: 1,
    backoffLimit: 6,
    completionMode: "NonIndexed",
    suspend: false,
    podFailurePolicy: {
      rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }],
    },
    podReplacementPolicy: "Failed",
    manualSelector: false,
  });
  const perIndex: Record<string, unknown> = {
    backoffLimitPerIndex: 1,
    completionMode: "Indexed",
    completions: 3,
  };
  defaultJobSpec(perIndex);
  expect(perIndex.backoffLimit).toBe(2147483647);
});

test("job spec validation", () => {
  const lines = validateJobSpec("spec", {
    parallelism: -1,
    activeDeadlineSeconds: 0,
    completionMode: "Sometimes",
    template: {},
  }).map((c) => `${c.field}: ${c.message}`);
  expect(lines.slice(0, 3)).toEqual([
    "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
    "spec.activeDeadlineSeconds: Invalid value: 0: must be greater than 0",
    'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"',
  ]);
  expect(validateJobSpec("spec", { parallelism: "2" }).map((c) => c.message)).toEqual([
    'Invalid value: "2": must be of type integer',
  ]);
});
