// client-go work queue semantics: dedupe, re-queue of a key added while processing, back-off.
import { expect, test } from "bun:test";
import { FakeClock } from "../clock/fake-clock.ts";
import { WorkQueue } from "./work-queue.ts";

test("a key added twice is processed once", async () => {
  const q = new WorkQueue();
  q.add("a");
  q.add("a");
  q.add("b");
  expect(q.length).toBe(2);
  expect(await q.get()).toBe("a");
  expect(await q.get()).toBe("b");
});

test("a key added while processing comes back after done()", async () => {
  const q = new WorkQueue();
  q.add("a");
  const key = await q.get();
  q.add("a");
  expect(q.length).toBe(0);
  q.done(key as string);
  expect(await q.get()).toBe("a");
});

test("get() waits for an add; shutDown releases waiters with undefined", async () => {
  const q = new WorkQueue();
  const next = q.get();
  q.add("x");
  expect(await next).toBe("x");
  const waiting = q.get();
  q.shutDown();
  expect(await waiting).toBeUndefined();
});

test("rate-limited retries back off per key until forget()", async () => {
  const q = new WorkQueue({ baseDelayMs: 1 });
  q.addRateLimited("k");
  expect(q.retries("k")).toBe(1);
  expect(await q.get()).toBe("k");
  q.done("k");
  q.forget("k");
  expect(q.retries("k")).toBe(0);
  q.shutDown();
});

test("addAfter: the earliest of several pending delays wins", async () => {
  const q = new WorkQueue();
  q.addAfter("k", 60_000);
  q.addAfter("k", 1);
  expect(await q.get()).toBe("k");
  q.shutDown();
});

test("with a FakeClock, delays and back-off wait for the clock, not for real time", async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock, baseDelayMs: 5 });
  q.addAfter("later", 1000);
  q.addRateLimited("retry"); // 5 ms
  q.addRateLimited("retry"); // a second failure: 10 ms, the pending 5 ms wins
  await Promise.resolve();
  expect(q.length).toBe(0);
  clock.step(5);
  expect(await q.get()).toBe("retry");
  q.done("retry");
  clock.step(994);
  await Promise.resolve();
  expect(q.length).toBe(0);
  clock.step(1);
  expect(await q.get()).toBe("later");
  q.addAfter("never", 10);
  q.shutDown();
  expect(clock.waiterCount).toBe(0);
});
