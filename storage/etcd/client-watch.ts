// One watch over its own etcd Watch stream, as an async iterable of batches: events become
// batches, empty responses become progress batches, cancellation becomes CompactedError or
// WatchCancelledError (etcd-io/etcd client/v3/watch.go does the same bookkeeping with channels).
import type * as grpc from "@grpc/grpc-js";
import { CompactedError, StorageError, WatchCancelledError } from "../errors.ts";
import type { KeyRange, Watch, WatchBatch, WatchEvent, WatchOptions } from "../kv.ts";
import { keyValueFromWire, type LeaseIdCodec, rangeEndToWire } from "./convert.ts";
import { isServiceError, toStorageError } from "./grpc-errors.ts";
import { num, type WireEvent, type WireWatchRequest, type WireWatchResponse } from "./wire.ts";

type Item = { batch: WatchBatch } | { error: Error } | { end: true };

/** Batches buffered before the stream is paused until the consumer catches up. */
const highWater = 256;

export class ClientWatch implements Watch {
  private readonly items: Item[] = [];
  private waiter: (() => void) | undefined;
  private finished = false;
  private closedByUs = false;
  private lastRevision = 0;
  private readonly call: grpc.ClientDuplexStream<WireWatchRequest, WireWatchResponse>;

  /**
   * `fromRevision`: where a watch "from now" (no startRevision) starts, so that it sees every
   * write this client makes after watch() returns even though etcd registers the watch later;
   * 0 when the client has seen no revision yet.
   */
  constructor(
    open: () => grpc.ClientDuplexStream<WireWatchRequest, WireWatchResponse>,
    private readonly range: KeyRange,
    private readonly options: WatchOptions,
    private readonly leases: LeaseIdCodec,
    private readonly onClose: () => void = () => {},
    private fromRevision = 0,
  ) {
    this.lastRevision = Math.max(0, (options.startRevision || fromRevision) - 1);
    this.call = open();
    this.call.on("data", (res: WireWatchResponse) => this.onResponse(res));
    this.call.on("error", (err: Error) => {
      if (this.closedByUs) this.push({ end: true });
      else this.push({ error: isServiceError(err) ? toStorageError(err) : err });
    });
    // etcd never ends a watch stream by itself: an end we did not ask for means the server went away.
    this.call.on("end", () =>
      this.push(
        this.closedByUs
          ? { end: true }
          : { error: new StorageError("etcd: the server closed the watch stream") },
      ),
    );
    this.create();
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) this.close();
      else signal.addEventListener("abort", () => this.close(), { once: true });
    }
  }

  private create(): void {
    this.call.write({
      create_request: {
        key: this.range.key,
        ...rangeEndToWire(this.range.end),
        start_revision: this.options.startRevision || this.fromRevision,
        prev_kv: this.options.prevKv === true,
        filters: (this.options.filters ?? []).map((f) => (f === "put" ? "NOPUT" : "NODELETE")),
      },
    });
  }

  requestProgress(): void {
    if (!this.finished) this.call.write({ progress_request: {} });
  }

  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.push({ end: true });
    this.call.cancel();
  }

  private event(e: WireEvent): WatchEvent {
    return {
      type: e.type === "DELETE" ? "delete" : "put",
      kv: keyValueFromWire(
        e.kv ?? {
          key: new Uint8Array(0),
          value: new Uint8Array(0),
          create_revision: 0,
          mod_revision: 0,
          version: 0,
          lease: 0,
        },
        this.leases,
      ),
      ...(e.prev_kv ? { prevKv: keyValueFromWire(e.prev_kv, this.leases) } : {}),
    };
  }

  private onResponse(res: WireWatchResponse): void {
    const revision = num(res.header?.revision);
    const compactRevision = num(res.compact_revision);
    if (compactRevision > this.fromRevision && !this.options.startRevision && this.fromRevision > 0) {
      // "From now" fell below a compaction made meanwhile by someone else: start at the oldest
      // revision still kept rather than at the server's now, which could miss a write made since.
      this.fromRevision = compactRevision;
      this.lastRevision = compactRevision - 1;
      this.create();
      return;
    }
    if (compactRevision > 0) {
      this.push({ error: new CompactedError(this.options.startRevision ?? 0, compactRevision) });
      this.call.cancel();
      return;
    }
    if (res.canceled) {
      const reason = res.cancel_reason || "canceled by the server";
      this.push({ error: new WatchCancelledError(this.lastRevision, reason) });
      this.call.cancel();
      return;
    }
    if (res.created) return;
    const events = (res.events ?? []).map((e) => this.event(e));
    const last = events.at(-1);
    if (last) this.lastRevision = Math.max(this.lastRevision, last.kv.modRevision);
    this.push({ batch: { events, revision } });
  }

  private push(item: Item): void {
    if (this.finished) return;
    if (!("batch" in item)) {
      this.finished = true;
      this.onClose();
    }
    this.items.push(item);
    if (this.items.length >= highWater) this.call.pause();
    this.waiter?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
    while (true) {
      const item = this.items.shift();
      if (!item) {
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
        this.waiter = undefined;
        continue;
      }
      if (this.items.length < highWater / 2 && !this.finished) this.call.resume();
      if ("batch" in item) yield item.batch;
      else if ("error" in item) throw item.error;
      else return;
    }
  }
}
