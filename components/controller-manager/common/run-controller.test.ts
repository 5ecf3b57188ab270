// runController: workers start only after the caches synced, keys are processed (a failing one
// retried), stop() shuts the queue (keys already queued drain, as client-go's ShutDown; new ones
// are ignored) and waits for the workers, and stop before the caches synced returns at once.
import { expect, test } from "bun:test";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, runQueueController } from "./run-controller.ts";
import { waitFor } from "./testing/wait-for.ts";

test("no sync before the caches synced; keys processed after; a failing key is retried", async () => {
  const queue = new WorkQueue({ baseDelayMs: 1 });
  const cache = Promise.withResolvers<void>();
  const order: string[] = [];
  let failures = 1;
  const run = runController(
    { options: { workers: 2 }, log: (line) => order.push(`log ${line}`) },
    {
      queue,
      synced: [cache.promise],
      onSynced: () => {
        order.push("synced");
      },
      sync: async (key) => {
        if (key === "b" && failures-- > 0) throw new Error("boom");
        order.push(`sync ${key}`);
      },
    },
  );
  queue.add("a");
  queue.add("b");
  await Bun.sleep(5);
  expect(order).toEqual([]);
  cache.resolve();
  await run.started;
  await waitFor("both keys", () => order.includes("sync a") && order.includes("sync b"));
  expect(order[0]).toBe("synced");
  expect(order).toContain("log sync b failed (retry 1): boom");
  await run.stop();
});

test("stop() waits for the sync in flight and the queued keys, ignores new ones; it is idempotent", async () => {
  const queue = new WorkQueue();
  const release = Promise.withResolvers<void>();
  const synced: string[] = [];
  let stopHook = 0;
  const run = runController(
    { options: { workers: 1 }, log: () => {} },
    {
      queue,
      synced: [],
      onStop: () => {
        stopHook++;
      },
      sync: async (key) => {
        if (key === "slow") await release.promise;
        synced.push(key);
      },
    },
  );
  queue.add("slow");
  queue.add("next");
  await run.started;
  await waitFor("the slow sync to start", () => queue.length === 1);
  let stopped = false;
  const stopping = run.stop().then(() => {
    stopped = true;
  });
  queue.add("late");
  await Bun.sleep(5);
  expect(stopped).toBe(false);
  release.resolve();
  await stopping;
  await run.stop();
  expect(synced).toEqual(["slow", "next"]);
  expect(stopHook).toBe(1);
});

test("stop() before the caches sync returns at once and never starts workers", async () => {
  const queue = new WorkQueue();
  let ran = false;
  const run = runController(
    { options: { workers: 1 }, log: () => {} },
    {
      queue,
      synced: [new Promise<void>(() => {})],
      sync: async () => {
        ran = true;
      },
    },
  );
  queue.add("a");
  await run.stop();
  await run.started;
  expect(ran).toBe(false);
});

test("a failing start-up step is logged, not thrown", async () => {
  const logs: string[] = [];
  const run = runController(
    { options: { workers: 1 }, log: (line) => logs.push(line) },
    {
      queue: new WorkQueue(),
      synced: [Promise.reject(new Error("discovery failed"))],
      sync: async () => {},
    },
  );
  await run.started;
  expect(logs).toEqual(["controller failed to start: discovery failed"]);
  await run.stop();
});

test("runQueueController waits for the controller's start() and honours a worker override", async () => {
  const started = Promise.withResolvers<void>();
  let running = 0;
  let most = 0;
  const release = Promise.withResolvers<void>();
  const controller = {
    queue: new WorkQueue(),
    start: () => started.promise,
    sync: async () => {
      running++;
      most = Math.max(most, running);
      await release.promise;
      running--;
    },
  };
  const run = runQueueController({ options: { workers: 5 }, log: () => {} }, controller, { workers: 1 });
  controller.queue.add("a");
  controller.queue.add("b");
  await Bun.sleep(5);
  expect(running).toBe(0);
  started.resolve();
  await run.started;
  await waitFor("a sync", () => running === 1);
  release.resolve();
  await run.stop();
  expect(most).toBe(1);
});
