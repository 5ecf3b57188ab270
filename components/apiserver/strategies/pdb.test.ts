import { expect, test } from "bun:test";
import { pdbStrategy } from "./pdb.ts";
import { created, createErrors } from "./strategy-harness.ts";

test("poddisruptionbudget status, generation and validation", () => {
  const obj = created(pdbStrategy, {
    metadata: { name: "p" },
    spec: { minAvailable: 1, selector: { matchLabels: { app: "a" } } },
  });
  expect(obj.status).toEqual({
    currentHealthy: 0,
    desiredHealthy: 0,
    disruptionsAllowed: 0,
    expectedPods: 0,
  });
  expect(pdbStrategy.generation).toBe(true);
  expect(pdbStrategy.validate?.(obj)).toEqual([]);
  expect(createErrors(pdbStrategy, { spec: { maxUnavailable: "120%" } })).toEqual([
    'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
  ]);
  expect(createErrors(pdbStrategy, { spec: { minAvailable: "half" } })[0]).toStartWith(
    'spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"half"}: a valid percent string',
  );
});
