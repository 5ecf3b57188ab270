import { expect, test } from "bun:test";
import { validateAffinity, validateTopologySpread } from "./affinity-validation.ts";

const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("node and pod affinity", () => {
  const a = "spec.affinity";
  expect(
    lines(
      validateAffinity(a, {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: "zone", operator: "Near", values: ["a"] },
                  { key: "gpu", operator: "Gt", values: [] },
                ],
              },
            ],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }],
        },
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "a" } } }],
        },
      }),
    ),
  ).toEqual([
    `${a}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
    `${a}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`,
    `${a}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100`,
    `${a}.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty`,
  ]);
  expect(
    lines(validateAffinity(a, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } })),
  ).toEqual([
    `${a}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term`,
  ]);
});

test("topology spread constraints", () => {
  const c = { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" };
  expect(validateTopologySpread("t", [c])).toEqual([]);
  expect(
    lines(validateTopologySpread("t", [c, { ...c, maxSkew: 0, whenUnsatisfiable: "Maybe" }, c])),
  ).toEqual([
    "t[1].maxSkew: Invalid value: 0: must be greater than zero",
    't[1].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
    't[2]: Duplicate value: "{zone, DoNotSchedule}"',
  ]);
});
