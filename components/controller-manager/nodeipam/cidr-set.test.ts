// CidrSet: round-robin allocation, occupying nodes' own CIDRs, release, exhaustion, bad input.
import { expect, test } from "bun:test";
import { CidrSet, CidrSetError } from "./cidr-set.ts";

test("hands out /24s in order, skipping occupied ones, and none twice", () => {
  const set = new CidrSet("10.244.0.0/16", 24);
  expect(set.size).toBe(256);
  set.occupy("10.244.1.0/24");
  expect(set.allocateNext()).toBe("10.244.0.0/24");
  expect(set.allocateNext()).toBe("10.244.2.0/24");
  const seen = new Set<string>(["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]);
  for (let i = 0; i < 253; i++) {
    const next = set.allocateNext() as string;
    expect(seen.has(next)).toBe(false);
    seen.add(next);
  }
  expect(set.allocateNext()).toBeUndefined();
  expect(set.usedCount).toBe(256);
});

test("a released CIDR comes back after the round-robin wraps", () => {
  const set = new CidrSet("10.0.0.0/22", 24);
  const all = [set.allocateNext(), set.allocateNext(), set.allocateNext(), set.allocateNext()];
  expect(all).toEqual(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]);
  set.release("10.0.1.0/24");
  expect(set.isOccupied("10.0.1.0/24")).toBe(false);
  expect(set.allocateNext()).toBe("10.0.1.0/24");
});

test("occupying a larger or smaller prefix marks every subnet it overlaps", () => {
  const set = new CidrSet("10.0.0.0/16", 24);
  set.occupy("10.0.4.0/23");
  expect(set.isOccupied("10.0.4.0/24")).toBe(true);
  expect(set.isOccupied("10.0.5.0/24")).toBe(true);
  set.occupy("10.0.9.128/25");
  expect(set.isOccupied("10.0.9.0/24")).toBe(true);
  expect(set.usedCount).toBe(3);
});

test("CIDRs outside the cluster CIDR are refused to occupy and ignored on release", () => {
  const set = new CidrSet("10.244.0.0/16", 24);
  expect(() => set.occupy("10.88.3.0/24")).toThrow(
    "cidr 10.88.3.0/24 is out the range of cluster cidr 10.244.0.0/16",
  );
  expect(() => set.occupy("10.0.0.0/8")).toThrow(CidrSetError);
  set.release("10.88.3.0/24");
  expect(set.contains("10.244.200.0/24")).toBe(true);
  expect(set.contains("10.245.0.0/24")).toBe(false);
});

test("bad cluster CIDRs and mask sizes name the problem", () => {
  expect(() => new CidrSet("10.244.0.0", 24)).toThrow('invalid cluster CIDR "10.244.0.0"');
  expect(() => new CidrSet("10.244.0.0/16", 8)).toThrow("does not fit cluster CIDR");
  expect(() => new CidrSet("10.0.0.0/8", 28)).toThrow("too big");
  expect(new CidrSet("10.244.7.9/16", 24).clusterCIDR).toBe("10.244.0.0/16");
});
