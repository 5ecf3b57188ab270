// In-process watch fan-out for a store that owns its writes: the write path publishes each
// committed transaction's events once, and every watcher whose range matches gets them in
// its own bounded queue. A watcher that falls `maxPending` events behind is cut off with
// WatchCancelledError so that it can never stall writers or other watchers.
import { CompactedError, WatchCancelledError } from "./errors.ts";
import { inRange } from "./keys.ts";
import type { KeyRange, Watch, WatchBatch, WatchEvent, WatchOptions } from "./kv.ts";

export interface WatchSource {
  /** The store's current revision. */
  revision(): number;
  compactRevision(): number;
  /** Events with revision >= `from` in `range`, oldest first, read synchronously. */
  history(range: KeyRange, from: number, prevKv: boolean): WatchEvent[];
}

const HISTORY_BATCH = 1000;

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly source: WatchSource,
    private readonly maxPending = 10_000,
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  watch(range: KeyRange, options: WatchOptions = {}): Watch {
    const watcher = new Watcher(range, options, this.maxPending, this.source, (w) => this.watchers.delete(w));
    const start = options.startRevision ?? 0;
    const compacted = this.source.compactRevision();
    if (start > 0 && start < compacted) {
      watcher.fail(new CompactedError(start, compacted));
      return watcher;
    }
    // History and registration happen in one synchronous step: no write can slip between them.
    if (start > 0 && start <= this.source.revision()) {
      const events = this.source.history(range, start, options.prevKv === true);
      for (let i = 0; i < events.length; i += HISTORY_BATCH) {
        watcher.push(events.slice(i, i + HISTORY_BATCH), this.source.revision(), true);
      }
    }
    if (!watcher.closed) this.watchers.add(watcher);
    return watcher;
  }

  /** Deliver one committed transaction's events (all at `revision`). */
  publish(events: WatchEvent[], revision: number): void {
    if (events.length === 0) return;
    for (const watcher of this.watchers) watcher.offer(events, revision);
  }

  /** End every watch (the store is closing). */
  close(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers.clear();
  }
}

class Watcher implements Watch {
  private readonly queue: WatchBatch[] = [];
  private pending = 0;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private lastRevision: number;
  private readonly start: number;
  closed = false;

  constructor(
    private readonly range: KeyRange,
    private readonly options: WatchOptions,
    private readonly maxPending: number,
    private readonly source: WatchSource,
    private readonly onClose: (w: Watcher) => void,
  ) {
    this.start = options.startRevision ?? 0;
    this.lastRevision = this.start > 0 ? this.start - 1 : source.revision();
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
    if (options.signal?.aborted) this.close();
  }

  /** Filter one transaction's events for this watcher and queue them. */
  offer(events: WatchEvent[], revision: number): void {
    if (this.closed || revision < this.start) return;
    const mine: WatchEvent[] = [];
    for (const event of events) {
      if (!inRange(event.kv.key, this.range.key, this.range.end)) continue;
      if (this.options.filters?.includes(event.type)) continue;
      mine.push(
        this.options.prevKv || event.prevKv === undefined ? event : { type: event.type, kv: event.kv },
      );
    }
    if (mine.length > 0) this.push(mine, revision);
  }

  /** Queue events; `replay` (history read at the start) is exempt from the backlog limit. */
  push(events: WatchEvent[], revision: number, replay = false): void {
    if (this.closed) return;
    const kept = this.options.filters
      ? events.filter((e) => !this.options.filters?.includes(e.type))
      : events;
    if (kept.length === 0) return;
    if (!replay && this.pending + kept.length > this.maxPending) {
      this.fail(
        new WatchCancelledError(
          this.lastRevision,
          `the watcher fell more than ${this.maxPending} events behind`,
        ),
      );
      return;
    }
    this.pending += kept.length;
    this.queue.push({ events: kept, revision });
    this.lastRevision = kept[kept.length - 1]?.kv.modRevision ?? this.lastRevision;
    this.notify();
  }

  takeQueued(): WatchBatch[] {
    const batches = this.queue.splice(0);
    for (const batch of batches) this.pending -= batch.events.length;
    return batches;
  }

  requestProgress(): void {
    if (this.closed) return;
    this.queue.push({ events: [], revision: this.source.revision() });
    this.notify();
  }

  fail(error: Error): void {
    if (this.closed) return;
    // What is queued is still delivered; the error comes after it, so lastRevision is exact.
    this.error = error;
    this.finish();
  }

  close(): void {
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
    try {
      while (true) {
        const batch = this.queue.shift();
        if (batch) {
          this.pending -= batch.events.length;
          yield batch;
          continue;
        }
        if (this.error) {
          const error = this.error;
          this.error = undefined;
          throw error;
        }
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      this.close();
    }
  }
}
