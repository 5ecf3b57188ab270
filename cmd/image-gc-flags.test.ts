import { describe, expect, test } from "bun:test";
import { parseImageGcFlags } from "./image-gc-flags.ts";

describe("parseImageGcFlags", () => {
  test("defaults and valid values", () => {
    expect(parseImageGcFlags({})).toEqual({ highThresholdPercent: 85, lowThresholdPercent: 80 });
    expect(parseImageGcFlags({ "image-gc-high-threshold": "100", "image-gc-low-threshold": "0" })).toEqual({
      highThresholdPercent: 100,
      lowThresholdPercent: 0,
    });
  });

  test("out of range, not a number, low not below high: upstream's validation messages", () => {
    expect(() => parseImageGcFlags({ "image-gc-high-threshold": "101" })).toThrow(
      "invalid configuration: imageGCHighThresholdPercent (--image-gc-high-threshold) 101 must be between 0 and 100, inclusive",
    );
    expect(() => parseImageGcFlags({ "image-gc-low-threshold": "-1" })).toThrow(
      "(--image-gc-low-threshold) -1 must be between 0 and 100",
    );
    expect(() => parseImageGcFlags({ "image-gc-high-threshold": "8x" })).toThrow(
      "8x must be between 0 and 100",
    );
    expect(() => parseImageGcFlags({ "image-gc-low-threshold": "85" })).toThrow(
      "invalid configuration: imageGCLowThresholdPercent (--image-gc-low-threshold) 85 must be less than imageGCHighThresholdPercent (--image-gc-high-threshold) 85",
    );
  });
});
