import { expect, test } from "bun:test";
import { defaultJobSpec } from "./job-spec-defaults.ts";

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
