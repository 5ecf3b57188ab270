import { expect, test } from "bun:test";
import { leaseStrategy } from "./lease.ts";
import { createErrors } from "./strategy-harness.ts";

test("lease durations and types", () => {
  expect(leaseStrategy.allowCreateOnUpdate).toBe(true);
  expect(
    createErrors(leaseStrategy, {
      spec: { holderIdentity: "n1", leaseDurationSeconds: 40, renewTime: "2026-01-01T00:00:00.000000Z" },
    }),
  ).toEqual([]);
  expect(createErrors(leaseStrategy, { spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } })).toEqual([
    "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
    "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
  ]);
  expect(createErrors(leaseStrategy, { spec: { leaseDurationSeconds: "40" } })).toEqual([
    'spec.leaseDurationSeconds: Invalid value: "40": must be of type integer',
  ]);
});
