import { describe, expect, test } from "bun:test";
import { formatGoDuration, parseGoDuration } from "./go-duration.ts";

describe("Go durations", () => {
  test.each([
    [0n, "0s"],
    [1n, "1ns"],
    [1500n, "1.5µs"],
    [2_000_000n, "2ms"],
    [1_500_000_000n, "1.5s"],
    [90_000_000_000n, "1m30s"],
    [3_600_000_000_000n, "1h0m0s"],
    [3_723_500_000_000n, "1h2m3.5s"],
    [-1_000_000_000n, "-1s"],
  ])("%p ns is %p", (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
    expect(parseGoDuration(text)).toBe(ns);
  });

  test("parses what time.ParseDuration accepts and rejects the rest", () => {
    expect(parseGoDuration("1h30m")).toBe(5_400_000_000_000n);
    expect(parseGoDuration("300ms")).toBe(300_000_000n);
    expect(parseGoDuration("2us")).toBe(2_000n);
    expect(parseGoDuration("0")).toBe(0n);
    expect(parseGoDuration("")).toBeUndefined();
    expect(parseGoDuration("10")).toBeUndefined();
    expect(parseGoDuration("5 minutes")).toBeUndefined();
  });
});
