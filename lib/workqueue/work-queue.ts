// A work queue with client-go's semantics (k8s.io/client-go/util/workqueue): a key added many
// times is processed once; a key added while being processed is processed again after done();
// rate-limited retries back off per key (5 ms doubling to 1000 s) until forget(). Delays run on
// an injected Clock (FakeClock in tests), as client-go's delaying queue takes one.

import { type Clock, realClock, type Timer } from "../clock/clock.ts";

export interface WorkQueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Defaults to the real clock. */
  clock?: Clock;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { timer: Timer; at: number }>();
  private readonly clock: Clock;
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private shuttingDown = false;

  constructor(private readonly options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? realClock;
  }

  get length(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
  }

  /** Adds `key` after `ms`; of several pending add-afters of one key the earliest wins (client-go). */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    pending?.timer.stop();
    const timer = this.clock.after(ms, () => {
      this.timers.delete(key);
      this.add(key);
    });
    this.timers.set(key, { timer, at });
  }

  /** Retries `key` after its next back-off delay. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = Math.min((this.options.baseDelayMs ?? 5) * 2 ** n, this.options.maxDelayMs ?? 1_000_000);
    this.addAfter(key, delay);
  }

  /** Clears `key`'s back-off after a successful sync. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process, or undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` processed; if it was added meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) timer.stop();
    this.timers.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}

/**
 * Runs `sync` for queued keys with `workers` in parallel until the queue shuts down; a sync that
 * throws is retried with back-off (and logged), one that succeeds forgets the key's back-off.
 */
export async function runWorkers(
  queue: WorkQueue,
  workers: number,
  sync: (key: string) => Promise<void>,
  log: (line: string) => void,
): Promise<void> {
  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await sync(key);
        queue.forget(key);
      } catch (error) {
        log(`sync ${key} failed (retry ${queue.retries(key) + 1}): ${(error as Error).message}`);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}
