// Unit tests of the scheduling queue: priority order, back-off doubling to its cap, parking
// unschedulable pods until a cluster event, and deletion.

import { afterEach, describe, expect, test } from "bun:test";
import { testPod } from "./plugins/test-fixtures.ts";
import { SchedulingQueue } from "./scheduling-queue.ts";

let queue: SchedulingQueue | undefined;
afterEach(() => queue?.close());

describe("SchedulingQueue", () => {
  test("pops higher priority first, then first come", async () => {
    let now = 0;
    queue = new SchedulingQueue({ now: () => now++ });
    queue.add(testPod("low-1", { priority: 0 }));
    queue.add(testPod("high", { priority: 100 }));
    queue.add(testPod("low-2", { priority: 0 }));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await queue.pop())?.info.key);
    expect(order).toEqual(["default/high", "default/low-1", "default/low-2"]);
  });

  test("an unschedulable pod waits for a cluster event, then its back-off", async () => {
    let now = 1000;
    queue = new SchedulingQueue({ now: () => now, initialBackoffMs: 50, maxBackoffMs: 100 });
    queue.add(testPod("p"));
    const first = await queue.pop();
    if (!first) throw new Error("no pod");
    queue.addUnschedulable(first, false);
    expect(queue.where("default/p")).toBe("unschedulable");
    queue.moveAllToActiveOrBackoff();
    expect(queue.where("default/p")).toBe("backoff");
    now += 60;
    const again = await queue.pop();
    expect(again?.attempts).toBe(2);
  });

  test("back-off doubles per attempt up to the cap; an error goes straight to back-off", async () => {
    // A clock of the test's own: measuring against Date.now() counted the time the test process
    // waited for the CPU on a loaded machine (a 20 ms back-off read as 10).
    const now = 1000;
    queue = new SchedulingQueue({ now: () => now, initialBackoffMs: 10, maxBackoffMs: 40 });
    queue.add(testPod("p"));
    const waits = [];
    for (let i = 0; i < 4; i++) {
      const qp = await queue.pop();
      if (!qp) throw new Error("no pod");
      queue.addUnschedulable(qp, true);
      expect(queue.where("default/p")).toBe("backoff");
      waits.push(qp.backoffUntil - now);
    }
    expect(waits).toEqual([10, 20, 40, 40]);
  });

  test("a pod deleted while queued is never popped", async () => {
    queue = new SchedulingQueue();
    queue.add(testPod("gone"));
    queue.add(testPod("kept"));
    queue.delete("default/gone");
    expect((await queue.pop())?.info.key).toBe("default/kept");
    expect(queue.activeLength).toBe(0);
  });
});
