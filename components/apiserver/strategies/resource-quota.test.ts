import { expect, test } from "bun:test";
import { resourceQuotaStrategy } from "./resource-quota.ts";
import { created, createErrors } from "./strategy-harness.ts";

test("resourcequota: empty status on create, valid non-negative quantities", () => {
  const obj = created(resourceQuotaStrategy, {
    spec: { hard: { pods: "10" } },
    status: { used: { pods: "3" } },
  });
  expect(obj.status).toEqual({});
  expect(resourceQuotaStrategy.validate?.(obj)).toEqual([]);
  expect(
    createErrors(resourceQuotaStrategy, {
      spec: { hard: { pods: "-1", cpu: "lots" }, scopes: ["Sometimes"] },
    }),
  ).toEqual([
    'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
    `spec.hard[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    'spec.scopes[0]: Unsupported value: "Sometimes": supported values: "BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating"',
  ]);
});
