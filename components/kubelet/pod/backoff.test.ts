// Crash-loop back-off: immediate first restart, then 10 s doubling to the 5 min cap, reset after 10 min of running.
import { expect, test } from "bun:test";
import { Backoff } from "./backoff.ts";

test("first restart at once, then 10 s, 20 s, ... capped at 5 min", () => {
  const b = new Backoff();
  expect(b.next("p/c", 1000, 5)).toBe(1000);
  expect(b.next("p/c", 2000, 5)).toBe(12_000);
  expect(b.next("p/c", 3000, 5)).toBe(23_000);
  for (let i = 0; i < 10; i++) b.next("p/c", 0, 5);
  expect(b.delay("p/c")).toBe(300_000);
});

test("a container that ran 10 minutes starts over; forget drops a pod's entries", () => {
  const b = new Backoff();
  b.next("p/c", 0, 5);
  b.next("p/c", 0, 5);
  expect(b.next("p/c", 100, 600_000)).toBe(100);
  b.forget("p/");
  expect(b.until("p/c")).toBe(0);
});
