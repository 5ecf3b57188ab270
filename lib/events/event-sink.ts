// Where recorded Events go (client-go tools/record EventBroadcaster + StartRecordingToSink): a
// bounded queue (1000, newest dropped when full) written by one request at a time, so events never
// compete with the writes they describe; errors the API answered are not retried, others up to 12 tries.
// `concurrency` > 1 writes that many at once (tools/events, the scheduler's: a goroutine per event).

import type { ApiClient } from "../client/api-client.ts";
import { resource } from "../client/resource-client.ts";
import { StatusError } from "../errors/status-error.ts";

/** upstream maxQueuedEvents */
const MAX_QUEUED = 1000;
/** upstream maxTriesPerEvent */
const MAX_TRIES = 12;
/** upstream defaultSleepDuration between tries */
const RETRY_MS = 10_000;

export interface EventWrite {
  namespace: string;
  /** Reason, for the log line when it fails. */
  reason: string;
  /** A new Event, or a patch of an existing one (a repeat: count and lastTimestamp). */
  create?: object;
  patch?: { name: string; body: object };
}

export interface EventSinkOptions {
  client: ApiClient;
  log?: (line: string) => void;
  maxQueued?: number;
  retryMs?: number;
  /** Writes in flight at once; default 1 (tools/record). */
  concurrency?: number;
}

export class EventSink {
  private readonly queue: EventWrite[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private dropped = 0;
  private readonly sleepers = new Set<() => void>();
  private readonly maxQueued: number;
  private readonly retryMs: number;
  private readonly concurrency: number;

  constructor(private readonly options: EventSinkOptions) {
    this.maxQueued = options.maxQueued ?? MAX_QUEUED;
    this.retryMs = options.retryMs ?? RETRY_MS;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** Queues one write; never waits. A full queue drops it (upstream: DropIfChannelFull). */
  write(event: EventWrite): void {
    if (this.stopped) return;
    if (this.queue.length >= this.maxQueued) {
      if (this.dropped++ % 100 === 0)
        this.options.log?.(
          `event ${event.reason} dropped: ${this.maxQueued} events queued (${this.dropped} dropped)`,
        );
      return;
    }
    this.queue.push(event);
    this.kick();
  }

  private kick(): void {
    if (this.running.size >= this.concurrency || this.stopped) return;
    const drain: Promise<void> = this.drain().finally(() => {
      this.running.delete(drain);
      // A write between the drain's last look at the queue and here is not left behind.
      if (this.queue.length > 0) this.kick();
    });
    this.running.add(drain);
  }

  /** Resolves once every queued write was sent (or given up). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** Drops what is queued; a write in flight finishes. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    for (const wake of this.sleepers) wake();
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next && !this.stopped; next = this.queue.shift()) {
      for (let tries = 1; ; tries++) {
        try {
          await this.send(next);
          break;
        } catch (error) {
          const message = (error as Error).message;
          // The API answered (rejected, conflict, gone namespace): another try would get the same.
          if (error instanceof StatusError || tries >= MAX_TRIES || this.stopped) {
            this.options.log?.(`event ${next.reason} not recorded: ${message}`);
            break;
          }
          // The first retry is jittered so many recorders do not come back at once (upstream).
          const delay = tries === 1 ? Math.random() * this.retryMs : this.retryMs;
          await new Promise<void>((resolve) => {
            const wake = () => {
              this.sleepers.delete(wake);
              resolve();
            };
            this.sleepers.add(wake);
            setTimeout(wake, delay).unref?.();
          });
        }
      }
    }
  }

  private async send(write: EventWrite): Promise<void> {
    const events = resource(this.options.client, "events").namespace(write.namespace);
    if (write.patch) await events.patch(write.patch.name, write.patch.body);
    else if (write.create) await events.create(write.create);
  }
}
