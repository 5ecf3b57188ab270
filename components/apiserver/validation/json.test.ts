import { expect, test } from "bun:test";
import {
  child,
  ensure,
  isObject,
  isUnset,
  jsonEqual,
  list,
  num,
  objects,
  setDefault,
  str,
  stringMap,
} from "./json.ts";

test("safe access never throws", () => {
  const o: Record<string, unknown> = { a: { b: 1 }, l: [1, { x: 1 }], s: "x", n: 2 };
  expect(isObject(o)).toBe(true);
  expect(isObject([])).toBe(false);
  expect(child(o, "a")).toEqual({ b: 1 });
  expect(child(o, "s")).toBeUndefined();
  expect(child("str", "a")).toBeUndefined();
  expect(ensure(o, "new")).toEqual({});
  expect(ensure(o, "s")).toBeUndefined();
  expect(list(o, "l")).toHaveLength(2);
  expect(list(o, "a")).toEqual([]);
  expect(objects(o, "l")).toEqual([[{ x: 1 }, 1]]);
  expect(str(o, "s")).toBe("x");
  expect(num(o, "n")).toBe(2);
  expect(num(o, "s")).toBeUndefined();
  expect(stringMap({ a: "b", c: 1 })).toEqual({ a: "b" });
});

test("defaults and equality", () => {
  const o: Record<string, unknown> = { a: "", b: null, c: "set" };
  for (const k of ["a", "b", "c", "d"]) setDefault(o, k, "def");
  expect(o).toEqual({ a: "def", b: "def", c: "set", d: "def" });
  expect(isUnset(0)).toBe(false);
  expect(jsonEqual({ a: [1, { b: 2 }], u: undefined }, { a: [1, { b: 2 }] })).toBe(true);
  expect(jsonEqual({ a: 1 }, { a: "1" })).toBe(false);
});
