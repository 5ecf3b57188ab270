import { expect, test } from "bun:test";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { base64Bytes, checkTotal, utf8Bytes, validateDataMap, validateImmutableData } from "./config-data.ts";

test("data maps", () => {
  const out: StatusCause[] = [];
  expect(validateDataMap("data", { a: "é", b: "x" }, utf8Bytes, out)).toEqual({ keys: ["a", "b"], bytes: 3 });
  expect(out).toEqual([]);
  validateDataMap("data", "x", utf8Bytes, out);
  expect(out[0]?.message).toBe('Invalid value: "x": must be of type map of strings');
  expect(base64Bytes("aGk=")).toBe(2);
  expect(base64Bytes("a")).toBeUndefined();
  expect(checkTotal("data", 1024 * 1024)).toEqual([]);
  expect(checkTotal("data", 1024 * 1024 + 1)).toHaveLength(1);
  expect(validateImmutableData({ data: { a: "1" } }, { data: { a: "1" } }, ["data"])).toEqual([]);
  expect(
    validateImmutableData({ immutable: true, data: { a: "1" } }, { immutable: true, data: { a: "1" } }, [
      "data",
    ]),
  ).toEqual([]);
});
