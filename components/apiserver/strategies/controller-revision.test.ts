import { expect, test } from "bun:test";
import { controllerRevisionStrategy } from "./controller-revision.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

test("controllerrevision: data required and immutable, revision non-negative", () => {
  expect(createErrors(controllerRevisionStrategy, { revision: 1 })).toEqual([
    "data: Required value: data is mandatory",
  ]);
  expect(createErrors(controllerRevisionStrategy, { data: {}, revision: -1 })).toEqual([
    "revision: Invalid value: -1: must be greater than or equal to 0",
  ]);
  const old = created(controllerRevisionStrategy, { metadata: { name: "r" }, data: { a: 1 }, revision: 1 });
  const next = structuredClone(old);
  next.data = { a: 2 };
  expect(updateErrors(controllerRevisionStrategy, next, old, false)).toEqual([
    'data: Invalid value: {"a":2}: field is immutable',
  ]);
});
