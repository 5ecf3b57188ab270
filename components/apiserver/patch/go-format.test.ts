import { expect, test } from "bun:test";
import { goFormat } from "./go-format.ts";

test("formats decoded JSON like Go's %v", () => {
  expect(goFormat({ value: "b", name: 1 })).toBe("map[name:1 value:b]");
  expect(goFormat([1, "a", true, null])).toBe("[1 a true <nil>]");
  expect(goFormat({ a: { b: [1.5] } })).toBe("map[a:map[b:[1.5]]]");
  expect(goFormat(1e21)).toBe("1e+21");
  expect(goFormat(0.00001)).toBe("1e-05");
});
