import { expect, test } from "bun:test";
import { duplicateShown, invalidShown, notFound, tooMany, typeInvalid } from "./field-errors-extra.ts";

test("extra field errors as upstream words them", () => {
  expect(notFound("f", "x")).toEqual({ reason: "FieldValueNotFound", message: 'Not found: "x"', field: "f" });
  expect(typeInvalid("f", true, "string").message).toBe("Invalid value: true: must be of type string");
  expect(duplicateShown("f", "k{a:1}").message).toBe("Duplicate value: k{a:1}");
  expect(tooMany("f", 3, 2).message).toBe("Too many: 3: must have at most 2 items");
  expect(invalidShown("f", "map[string]string(nil)", "bad").message).toBe(
    "Invalid value: map[string]string(nil): bad",
  );
});
