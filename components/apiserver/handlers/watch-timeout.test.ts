import { expect, test } from "bun:test";
import { MIN_REQUEST_TIMEOUT_SECONDS, watchTimeoutMs } from "./watch-timeout.ts";

test("timeoutSeconds wins; without it a watch ends between one and two min-request-timeouts", () => {
  expect(watchTimeoutMs(5)).toBe(5000);
  expect(MIN_REQUEST_TIMEOUT_SECONDS).toBe(1800);
  expect(watchTimeoutMs(0, 1800, () => 0)).toBe(1_800_000);
  expect(watchTimeoutMs(0, 1800, () => 0.5)).toBe(2_700_000);
  for (let i = 0; i < 100; i++) {
    const ms = watchTimeoutMs(0);
    expect(ms).toBeGreaterThanOrEqual(1_800_000);
    expect(ms).toBeLessThan(3_600_000);
  }
  expect(watchTimeoutMs(0, 0)).toBe(0);
});
