// 64-bit etcd lease IDs through a KV whose IDs are JavaScript numbers.
import { expect, test } from "bun:test";
import { LeaseIds } from "./lease-ids.ts";

test("small IDs pass through; large ones go back out exactly as they came in", () => {
  const ids = new LeaseIds();
  expect(ids.fromWire("12345")).toBe(12345);
  expect(ids.toWire(12345)).toBe(12345);
  const big = "7587875000000000001"; // above 2^53, as real etcd picks them
  const n = ids.fromWire(big);
  expect(Number.isSafeInteger(n)).toBe(false);
  expect(ids.toWire(n)).toBe(big);
  expect(ids.fromWire(undefined)).toBe(0);
  const fresh = LeaseIds.random();
  expect(fresh > 0 && Number.isSafeInteger(fresh)).toBe(true);
});
