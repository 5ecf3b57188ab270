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

test("resource names and extended resources", () => {
  expect(lines(validateResources("r", { limits: { memroy: "1Gi" } }))).toEqual([
    'r.limits[memroy]: Invalid value: "memroy": must be a standard resource for containers',
  ]);
  expect(lines(validateResources("r", { requests: { "example.com/gpu": "1" } }))).toEqual([
    "r.limits: Required value: Limit must be set for non overcommitable resources",
  ]);
  expect(
    lines(
      validateResources("r", { requests: { "example.com/gpu": "1" }, limits: { "example.com/gpu": "2" } }),
    ),
  ).toEqual(['r.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2']);
});
