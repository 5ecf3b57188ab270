// Canonical quantity strings, as apimachinery resource.Quantity.String() writes them.

import { expect, test } from "bun:test";
import { formatMilli, formatQuantity } from "./quantity-format.ts";

test("canonical quantity strings, as resource.Quantity.String()", () => {
  const cases: Array<[string | number | undefined, string]> = [
    [undefined, "0"],
    ["0", "0"],
    ["0Gi", "0"],
    ["10Gi", "10Gi"],
    ["1024Mi", "1Gi"],
    ["1536Mi", "1536Mi"],
    ["1.5Gi", "1536Mi"],
    ["1000Mi", "1000Mi"],
    ["512", "512"],
    ["100m", "100m"],
    ["0.1", "100m"],
    ["1.5", "1500m"],
    ["1000", "1k"],
    ["1500", "1500"],
    ["2000k", "2M"],
    ["1e3", "1e3"],
    ["1E3", "1e3"],
    ["100M", "100M"],
    ["500Ki", "500Ki"],
    ["1Ki", "1Ki"],
    ["0.5Ki", "512"],
    ["1023", "1023"],
    [5, "5"],
    ["1n", "1n"],
    ["0.1n", "1n"],
    ["12e-2", "120e-3"],
    ["-1", "-1"],
    ["abc", "abc"],
  ];
  for (const [input, want] of cases) expect([input, formatQuantity(input)]).toEqual([input, want]);
});

test("formatMilli prints the canonical DecimalSI form", () => {
  expect(formatMilli(0)).toBe("0");
  expect(formatMilli(250)).toBe("250m");
  expect(formatMilli(2000)).toBe("2");
  expect(formatMilli(104_857_600_000)).toBe("104857600");
  expect(formatMilli(3_000_000)).toBe("3k");
  expect(formatMilli(-1500)).toBe("-1500m");
});
