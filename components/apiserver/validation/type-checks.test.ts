import { expect, test } from "bun:test";
import { checkFields, checkType, hasType } from "./type-checks.ts";

test("JSON type checks", () => {
  expect(hasType(1, "integer")).toBe(true);
  expect(hasType(1.5, "integer")).toBe(false);
  expect(hasType({ a: "b" }, "map of strings")).toBe(true);
  expect(hasType({ a: 1 }, "map of strings")).toBe(false);
  expect(checkType("f", null, "string")).toEqual([]);
  expect(checkType("f", "3", "integer")).toEqual([
    { reason: "FieldValueTypeInvalid", message: 'Invalid value: "3": must be of type integer', field: "f" },
  ]);
  expect(checkFields("spec", { a: 1, b: "x" }, { a: "string", b: "string" }).map((c) => c.field)).toEqual([
    "spec.a",
  ]);
});
