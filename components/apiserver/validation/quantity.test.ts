import { expect, test } from "bun:test";
import { quantityNanos } from "./quantity.ts";

test("quantities in nano units", () => {
  expect(quantityNanos("1")).toBe(1_000_000_000n);
  expect(quantityNanos("100m")).toBe(100_000_000n);
  expect(quantityNanos("1Ki")).toBe(1024_000_000_000n);
  expect(quantityNanos("1.5")).toBe(1_500_000_000n);
  expect(quantityNanos("1e3")).toBe(1000_000_000_000n);
  expect(quantityNanos(2)).toBe(2_000_000_000n);
  expect(quantityNanos("-1")).toBe(-1_000_000_000n);
  expect(quantityNanos("1.0000000001")).toBe(1_000_000_001n);
  for (const bad of ["", "abc", "1Qi", "1..2", null, {}]) expect(quantityNanos(bad)).toBeUndefined();
});
