// The leader-election flags: durations parsed as upstream's, and upstream's ordering rule.
import { expect, test } from "bun:test";
import { readLeaderElectionFlags } from "./leader-election-flags.ts";

const flags = (lease: string, renew: string, retry: string) => ({
  "leader-elect-lease-duration": lease,
  "leader-elect-renew-deadline": renew,
  "leader-elect-retry-period": retry,
});

test("upstream's defaults and short test timings parse", () => {
  expect(readLeaderElectionFlags(flags("15s", "10s", "2s"))).toEqual({
    leaseDurationSeconds: 15,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2000,
  });
  expect(readLeaderElectionFlags(flags("4s", "3s", "500ms")).retryPeriodMs).toBe(500);
});

test("a lease not longer than the renew deadline, or a deadline not longer than the retry, is a usage error", () => {
  expect(() => readLeaderElectionFlags(flags("10s", "10s", "2s"))).toThrow(
    /--leader-elect-lease-duration \(10s\) must be greater than --leader-elect-renew-deadline \(10s\)/,
  );
  expect(() => readLeaderElectionFlags(flags("15s", "2s", "2s"))).toThrow(
    /--leader-elect-renew-deadline \(2s\) must be greater than --leader-elect-retry-period \(2s\)/,
  );
  expect(() => readLeaderElectionFlags(flags("soon", "10s", "2s"))).toThrow(/--leader-elect-lease-duration/);
});
