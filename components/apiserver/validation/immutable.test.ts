import { expect, test } from "bun:test";
import { immutableField, immutableSelector } from "./immutable.ts";

test("immutability causes", () => {
  expect(immutableField("f", { a: 1 }, { a: 1 })).toEqual([]);
  expect(immutableField("f", "b", "a")[0]?.message).toBe('Invalid value: "b": field is immutable');
  expect(immutableField("f", undefined, "a")[0]?.message).toBe("Invalid value: null: field is immutable");
  expect(
    immutableSelector(
      { spec: { selector: { matchLabels: { a: "b" } } } },
      { spec: { selector: { matchLabels: { a: "b" } } } },
    ),
  ).toEqual([]);
  expect(immutableSelector({ spec: {} }, { spec: { selector: {} } })[0]?.field).toBe("spec.selector");
});
