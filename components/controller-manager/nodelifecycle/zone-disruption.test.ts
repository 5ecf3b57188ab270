// Zone states and tainting rates as upstream's ComputeZoneState / setLimiterInZone, and the token bucket.
import { expect, test } from "bun:test";
import {
  computeZoneState,
  DEFAULT_DISRUPTION_RATES,
  TokenBucket,
  zoneOf,
  zoneTaintRate,
} from "./zone-disruption.ts";

test("zone state: all not Ready is full disruption; more than 2 and at least 55 % partial; else normal", () => {
  expect(computeZoneState(["Unknown"], 0.55)).toBe("FullDisruption");
  expect(computeZoneState([undefined, "False", "Unknown"], 0.55)).toBe("FullDisruption");
  expect(computeZoneState(["True", "Unknown", "Unknown"], 0.55)).toBe("Normal"); // only 2 not Ready
  expect(computeZoneState(["True", "Unknown", "Unknown", "False"], 0.55)).toBe("PartialDisruption");
  expect(computeZoneState(["True", "True", "Unknown", "Unknown", "False"], 0.55)).toBe("PartialDisruption");
  expect(computeZoneState(["True", "True", "True", "Unknown", "Unknown", "False"], 0.55)).toBe("Normal");
  expect(computeZoneState([], 0.55)).toBe("Normal");
});

test("tainting rate: 0.1/s normal, 0.01/s partial in a zone over 50 nodes, 0 below it or fully disrupted", () => {
  const r = DEFAULT_DISRUPTION_RATES;
  expect(zoneTaintRate("Normal", 3, r)).toBe(0.1);
  expect(zoneTaintRate("PartialDisruption", 51, r)).toBe(0.01);
  expect(zoneTaintRate("PartialDisruption", 50, r)).toBe(0);
  expect(zoneTaintRate("FullDisruption", 5000, r)).toBe(0);
});

test("zones by region and zone labels; none is the one unnamed zone", () => {
  expect(zoneOf({ metadata: { name: "a" } })).toBe("");
  const z = (labels: Record<string, string>) => zoneOf({ metadata: { name: "a", labels } });
  expect(z({ "topology.kubernetes.io/zone": "z1" })).not.toBe(z({ "topology.kubernetes.io/zone": "z2" }));
  expect(z({ "topology.kubernetes.io/zone": "z1" })).not.toBe("");
});

test("token bucket: burst 1, then one token per 1/qps seconds; rate 0 gives none", () => {
  const bucket = new TokenBucket(0.1, 1, 0);
  expect(bucket.tryTake(0)).toBe(true);
  expect(bucket.tryTake(9_000)).toBe(false);
  expect(bucket.tryTake(10_000)).toBe(true);
  expect(bucket.tryTake(10_001)).toBe(false);
  bucket.setRate(0, 10_001);
  expect(bucket.tryTake(1_000_000)).toBe(false);
  bucket.setRate(1, 1_000_000);
  expect(bucket.tryTake(1_001_000)).toBe(true);
  expect(new TokenBucket(0, 1, 0).tryTake(0)).toBe(false);
});
