// How every queue-driven controller runs (upstream pkg/controller's Run(ctx, workers) shape):
// wait for its informers' caches, start N workers over the queue, and on stop shut the queue
// down and wait for the workers (what is queued drains, as client-go's ShutDown; adds are ignored).

import { runWorkers, type WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import type { ControllerContext, RunningController } from "../controller.ts";

export interface ControllerLoop {
  queue: WorkQueue;
  /** Processes one key; a throw retries it with back-off. */
  sync(key: string): Promise<unknown>;
  /** What must be ready before the first sync: informers' `synced`, or any start-up work. */
  synced: Promise<unknown>[];
  /** How many keys are processed at once; default `--concurrent-*-syncs` (context.options.workers). */
  workers?: number;
  /** Runs once after the caches synced, before the workers start (a first scan, a ticker). */
  onSynced?(): void | Promise<void>;
  /** Runs on stop after the queue shut down, before the workers are awaited (timers, tickers). */
  onStop?(): void | Promise<void>;
}

/** A controller written as a class: its queue, start() registering handlers and awaiting caches, sync. */
export interface QueueController {
  readonly queue: WorkQueue;
  start(): Promise<void>;
  sync(key: string): Promise<unknown>;
}

export interface ControllerRun extends RunningController {
  /** Resolves once the caches synced and the workers run (or stop came first). */
  readonly started: Promise<void>;
}

/** A running controller whose sync(key) a test can call directly, as a worker would. */
export interface SyncingController<R = void> extends ControllerRun {
  sync(key: string): Promise<R>;
}

/** What a run takes from the ControllerContext: the worker count and the log. */
export interface RunContext {
  options: Pick<ControllerContext["options"], "workers">;
  log(line: string): void;
}

/** Starts the loop in the background and returns at once (with its sync); `stop()` is idempotent. */
export function runController<S extends ControllerLoop["sync"]>(
  context: RunContext,
  loop: ControllerLoop & { sync: S },
): ControllerRun & { sync: S } {
  const stopping = Promise.withResolvers<void>();
  let stopped = false;
  let workers: Promise<void> = Promise.resolve();
  const sync = async (key: string): Promise<void> => {
    await loop.sync(key);
  };
  const started = (async () => {
    // A cache whose LIST keeps failing must not keep stop() waiting.
    await Promise.race([Promise.all(loop.synced), stopping.promise]);
    if (stopped) return;
    await loop.onSynced?.();
    if (stopped) return;
    workers = runWorkers(loop.queue, loop.workers ?? context.options.workers, sync, context.log);
  })().catch((error: Error) => context.log(`controller failed to start: ${error.message}`));
  let stopOnce: Promise<void> | undefined;
  return {
    started,
    sync: loop.sync,
    stop() {
      stopOnce ??= (async () => {
        stopped = true;
        stopping.resolve();
        loop.queue.shutDown();
        await loop.onStop?.();
        await started;
        await workers;
      })();
      return stopOnce;
    },
  };
}

/** Runs a class-shaped controller: its start() is what the workers wait for. */
export function runQueueController(
  context: RunContext,
  controller: QueueController,
  loop: Omit<Partial<ControllerLoop>, "queue" | "sync"> = {},
): ControllerRun {
  return runController(context, {
    ...loop,
    queue: controller.queue,
    sync: (key) => controller.sync(key),
    synced: [controller.start(), ...(loop.synced ?? [])],
  });
}
