// Unit tests of the quantity parser: exact nano values, formats, number views and bad input.
import { expect, test } from "bun:test";
import { milliValue, parseQuantity, quantityNanos, quantityValue, unitValue } from "./quantity.ts";

test("quantities in nano units", () => {
  expect(quantityNanos("1")).toBe(1_000_000_000n);
  expect(quantityNanos("100m")).toBe(100_000_000n);
  expect(quantityNanos("1Ki")).toBe(1024_000_000_000n);
  expect(quantityNanos("1.5")).toBe(1_500_000_000n);
  expect(quantityNanos("1e3")).toBe(1000_000_000_000n);
  expect(quantityNanos("1E")).toBe(10n ** 27n); // exa, not an exponent
  expect(quantityNanos(2)).toBe(2_000_000_000n);
  expect(quantityNanos("-1")).toBe(-1_000_000_000n);
  expect(quantityNanos("1.0000000001")).toBe(1_000_000_001n);
  expect(quantityNanos("-1.0000000001")).toBe(-1_000_000_001n);
  for (const bad of ["", "abc", "1Qi", "1..2", ".", " 1", "1 ", "1e", null, {}])
    expect([bad, quantityNanos(bad)]).toEqual([bad, undefined]);
});

test("the suffix decides the format", () => {
  expect(parseQuantity("1Gi")?.format).toBe("BinarySI");
  expect(parseQuantity("1G")?.format).toBe("DecimalSI");
  expect(parseQuantity("5")?.format).toBe("DecimalSI");
  expect(parseQuantity("12e-2")).toEqual({ mantissa: 12n, exponent: -2, format: "DecimalExponent" });
});

test("milliValue and unitValue round up as MilliValue and Value", () => {
  expect(milliValue("250m")).toBe(250);
  expect(milliValue("1")).toBe(1000);
  expect(milliValue("0.1")).toBe(100);
  expect(milliValue("128Mi")).toBe(128 * 2 ** 20 * 1000);
  expect(milliValue("1e3")).toBe(1_000_000);
  expect(milliValue("12345678n")).toBe(13);
  expect(milliValue("2k")).toBe(2_000_000);
  expect(milliValue(undefined)).toBe(0);
  expect(unitValue("64Mi")).toBe(67108864);
  expect(unitValue("1k")).toBe(1000);
  expect(unitValue("100m")).toBe(1);
  expect(unitValue("-100m")).toBe(0);
  expect(() => milliValue("12x")).toThrow("quantities must match the regular expression");
  expect(() => unitValue("12x")).toThrow("quantities must match the regular expression");
  expect(milliValue("12x", 0)).toBe(0);
  expect(unitValue("nope", 7)).toBe(7);
});

test("quantityValue is the float value", () => {
  expect(quantityValue("250m")).toBe(0.25);
  expect(quantityValue("64Mi")).toBe(67108864);
  expect(quantityValue(" 2 ")).toBe(2);
  expect(quantityValue("x")).toBeUndefined();
});
