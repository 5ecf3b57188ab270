import { expect, test } from "bun:test";
import { validateJobSpec } from "./job-spec-validation.ts";

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
