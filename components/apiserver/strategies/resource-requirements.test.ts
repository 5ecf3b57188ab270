import { expect, test } from "bun:test";
import { validateResources } from "./resource-requirements.ts";

const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("resources", () => {
  expect(
    validateResources("r", {
      requests: { cpu: "500m", memory: "128Mi" },
      limits: { cpu: "1", memory: "256Mi" },
    }),
  ).toEqual([]);
  expect(
    lines(validateResources("r", { requests: { memory: "2048Mi" }, limits: { memory: "1Gi", cpu: "x" } })),
  ).toEqual([
    `r.limits[cpu]: Invalid value: "x": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    'r.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi',
  ]);
  expect(lines(validateResources("r", { limits: { cpu: "-1" } }))).toEqual([
    'r.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0',
  ]);
  expect(validateResources("r", undefined)).toEqual([]);
});
