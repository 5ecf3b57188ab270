// Unit tests of quantity parsing to milli-units and canonical printing.
import { expect, test } from "bun:test";
import { formatMilli, milliValue } from "./quantity.ts";

test("milliValue parses decimal, binary, exponent and sub-unit suffixes", () => {
  expect(milliValue("250m")).toBe(250);
  expect(milliValue("1")).toBe(1000);
  expect(milliValue("0.1")).toBe(100);
  expect(milliValue("128Mi")).toBe(128 * 2 ** 20 * 1000);
  expect(milliValue("1e3")).toBe(1_000_000);
  expect(milliValue("12345678n")).toBe(13);
  expect(milliValue("2k")).toBe(2_000_000);
  expect(() => milliValue("12x")).toThrow();
});

test("formatMilli prints the canonical DecimalSI form", () => {
  expect(formatMilli(0)).toBe("0");
  expect(formatMilli(250)).toBe("250m");
  expect(formatMilli(2000)).toBe("2");
  expect(formatMilli(104_857_600_000)).toBe("104857600");
  expect(formatMilli(3_000_000)).toBe("3k");
});
