// How every queue-driven controller runs (upstream pkg/controller's Run(ctx, workers) shape):
// wait for its informers' caches, start N workers over the queue, and on stop shut the queue
// down and wait for the workers (what is queued drains, as client-go's ShutDown; adds are ignored).

import { runWorkers, type WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import type { RunningController } from "../controller.ts";

export interface RunControllerOptions {
  queue: WorkQueue;
  /** Processes one key; a throw retries it with back-off. */
  sync(key: string): Promise<void>;
  /** How many keys are processed at once (`--concurrent-*-syncs`). */
  workers: number;
  /** What must be ready before the first sync: informers' `synced`, or any start-up work. */
  synced: Promise<unknown>[];
  log(line: string): void;
  /** Runs once after the caches synced, before the workers start (a first scan, a ticker). */
  onSynced?(): void | Promise<void>;
  /** Runs on stop after the queue shut down, before the workers are awaited (timers, tickers). */
  onStop?(): void | Promise<void>;
}

export interface ControllerRun extends RunningController {
  /** Resolves once the caches synced and the workers run (or stop came first). */
  readonly started: Promise<void>;
}

/** Starts the loop in the background and returns at once; `stop()` is idempotent. */
export function runController(options: RunControllerOptions): ControllerRun {
  const stopping = Promise.withResolvers<void>();
  let stopped = false;
  let workers: Promise<void> = Promise.resolve();
  const started = (async () => {
    // A cache whose LIST keeps failing must not keep stop() waiting.
    await Promise.race([Promise.all(options.synced), stopping.promise]);
    if (stopped) return;
    await options.onSynced?.();
    if (stopped) return;
    workers = runWorkers(options.queue, options.workers, options.sync, options.log);
  })().catch((error: Error) => options.log(`controller failed to start: ${error.message}`));
  let stopOnce: Promise<void> | undefined;
  return {
    started,
    stop() {
      stopOnce ??= (async () => {
        stopped = true;
        stopping.resolve();
        options.queue.shutDown();
        await options.onStop?.();
        await started;
        await workers;
      })();
      return stopOnce;
    },
  };
}
