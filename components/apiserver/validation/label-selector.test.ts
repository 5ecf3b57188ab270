import { expect, test } from "bun:test";
import { isEmptySelector, labelSelector } from "./label-selector.ts";

test("label selectors", () => {
  expect(
    labelSelector("s", {
      matchLabels: { a: "b" },
      matchExpressions: [{ key: "k", operator: "In", values: ["v"] }],
    }),
  ).toEqual([]);
  expect(
    labelSelector("s", { matchExpressions: [{ key: "k", operator: "Exists", values: ["v"] }] }).map(
      (c) => `${c.field}: ${c.message}`,
    ),
  ).toEqual([
    "s.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  ]);
  expect(labelSelector("s", "x")[0]?.message).toBe('Invalid value: "x": must be an object');
  expect(isEmptySelector({})).toBe(true);
  expect(isEmptySelector({ matchLabels: { a: "b" } })).toBe(false);
});
