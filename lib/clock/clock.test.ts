// Tests of the real and the fake clock: ordering, stop(), abortable sleep, no going back.
import { describe, expect, test } from "bun:test";
import { realClock } from "./clock.ts";
import { FakeClock } from "./fake-clock.ts";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("FakeClock", () => {
  test("timers fire only when time is stepped past them, in due order", async () => {
    const clock = new FakeClock(1000);
    const fired: string[] = [];
    clock.after(50, () => fired.push("b"));
    clock.after(10, () => fired.push("a"));
    clock.after(50, () => fired.push("c"));
    expect(clock.waiterCount).toBe(3);
    clock.step(9);
    await tick();
    expect(fired).toEqual([]);
    clock.step(41);
    await tick();
    expect(fired).toEqual(["a", "b", "c"]);
    expect(clock.now()).toBe(1050);
    expect(clock.waiterCount).toBe(0);
  });

  test("stop() cancels a pending timer and reports whether it was pending", async () => {
    const clock = new FakeClock();
    let fired = false;
    const timer = clock.after(5, () => {
      fired = true;
    });
    expect(timer.stop()).toBe(true);
    expect(timer.stop()).toBe(false);
    clock.step(10);
    await tick();
    expect(fired).toBe(false);
  });

  test("after(0) fires on a microtask without a step; sleep resolves on step or abort", async () => {
    const clock = new FakeClock();
    let fired = false;
    clock.after(0, () => {
      fired = true;
    });
    expect(fired).toBe(false);
    await tick();
    expect(fired).toBe(true);
    let slept = false;
    const sleeping = clock.sleep(1000).then(() => {
      slept = true;
    });
    await tick();
    expect(slept).toBe(false);
    clock.step(1000);
    await sleeping;
    expect(slept).toBe(true);
    const abort = new AbortController();
    const aborted = clock.sleep(60_000, abort.signal);
    abort.abort();
    await aborted;
    expect(clock.waiterCount).toBe(0);
  });

  test("time does not go back", () => {
    const clock = new FakeClock(new Date("2024-06-01T00:00:00Z"));
    expect(() => clock.setTime(0)).toThrow("cannot go back");
  });
});

describe("realClock", () => {
  test("now is the wall clock and after fires; stop prevents it", async () => {
    expect(Math.abs(realClock.now() - Date.now())).toBeLessThan(50);
    await new Promise<void>((resolve) => realClock.after(1, resolve));
    let fired = false;
    const timer = realClock.after(1, () => {
      fired = true;
    });
    expect(timer.stop()).toBe(true);
    await realClock.sleep(5);
    expect(fired).toBe(false);
    const abort = new AbortController();
    abort.abort();
    await realClock.sleep(60_000, abort.signal); // resolves at once
  });
});
