import { expect, test } from "bun:test";
import { labelMap, labelValueErrors, qualifiedNameErrors } from "./qualified-name.ts";

test("qualified names", () => {
  expect(qualifiedNameErrors("app")).toEqual([]);
  expect(qualifiedNameErrors("example.com/app")).toEqual([]);
  expect(qualifiedNameErrors("/app")).toEqual(["prefix part must be non-empty"]);
  expect(qualifiedNameErrors("a/b/c")[0]).toStartWith("a qualified name must consist of");
  expect(qualifiedNameErrors("Example.com/x")[0]).toStartWith("prefix part a lowercase RFC 1123 subdomain");
  expect(qualifiedNameErrors("-x")[0]).toStartWith("name part must consist of alphanumeric characters");
  expect(qualifiedNameErrors("x".repeat(64))).toEqual(["name part must be no more than 63 characters"]);
});

test("label values and maps", () => {
  expect(labelValueErrors("")).toEqual([]);
  expect(labelValueErrors("a b")[0]).toStartWith("a valid label must be an empty string");
  expect(
    labelMap("spec.selector", { ok: "v", "bad key": "v", k: 3 }).map((c) => c.message?.slice(0, 40)),
  ).toEqual([`Invalid value: "bad key": name part must`, "Invalid value: 3: must be a string"]);
  expect(labelMap("x", "str")).toEqual([
    { reason: "FieldValueInvalid", message: 'Invalid value: "str": must be a map of strings', field: "x" },
  ]);
});
