// etcdserverpb.Watch: one bidi stream carries many watches, each with an ID; create, cancel and
// progress requests come in, created/canceled/event/progress responses go out
// (etcd-io/etcd server/etcdserver/api/v3rpc/watch.go: recvLoop and sendLoop).
import type * as grpc from "@grpc/grpc-js";
import { CompactedError, WatchCancelledError } from "../../storage/errors.ts";
import { etcdServices } from "../../storage/etcd/proto.ts";
import {
  type Int64,
  num,
  plainBytes,
  type WireWatchCreateRequest,
  type WireWatchRequest,
  type WireWatchResponse,
} from "../../storage/etcd/wire.ts";
import type { EventType, Watch, WatchBatch } from "../../storage/kv.ts";
import { DirectStreamWriter, WRITTEN } from "./direct-stream-write.ts";
import { currentRevision, type ServiceContext } from "./service-context.ts";
import { writeMessage } from "./stream-write.ts";
import { EncodedWatchResponse, eventToWire, WatchResponseEncoder } from "./watch-encoding.ts";
import { type Membership, type SharedWatchSpec, WatchFanout } from "./watch-fanout.ts";
import { fragmentEvents } from "./watch-fragments.ts";

type WatchCall = grpc.ServerDuplexStream<WireWatchRequest, WireWatchResponse>;

/** Events a watch fed by a shared store watch may have waiting for its stream before it leaves. */
const DEFAULT_MAX_BACKLOG = 10_000;

interface ActiveWatch {
  /** Its own store watch; unset while it is fed by a shared one (`shared`). */
  watch?: Watch;
  shared?: Membership;
  /** Batches from the shared watch waiting for the stream (a send is in flight). */
  backlog: WatchBatch[];
  backlogEvents: number;
  sending: boolean;
  /** The revision after the newest event taken; where it goes on alone if it has to. */
  next: number;
  /** Set: once the backlog is sent, it goes on alone from this revision. */
  aloneFrom?: number;
  /** A progress response was asked for and has not gone out (it is asked again when going alone). */
  progressAsked: boolean;
  /** Opens the store watch again from a revision, to resume after the store cut it off. */
  reopen: (startRevision: number) => Watch;
  /** Split responses over the request size limit (the watcher asked for fragment). */
  fragment: boolean;
  /** Set once events or a progress response went out since the last progress_notify tick. */
  sentSinceTick: boolean;
  timer?: ReturnType<typeof setInterval>;
}

/** The state of one Watch RPC. */
class WatchStream {
  private readonly watches = new Map<number, ActiveWatch>();
  private nextId = 0;
  private closed = false;
  /** Requests are handled one at a time, in order, so responses keep the order of requests. */
  private queue: Promise<void> = Promise.resolve();
  private readonly direct: DirectStreamWriter;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly call: WatchCall,
    private readonly encoder: WatchResponseEncoder,
    private readonly serialize: (res: Partial<WireWatchResponse>) => Buffer,
    private readonly fanout: WatchFanout,
    private readonly maxBacklog: number,
  ) {
    this.direct = new DirectStreamWriter(call);
  }

  enqueue(req: WireWatchRequest): void {
    this.queue = this.queue.then(() => this.handle(req)).catch((err: unknown) => this.fail(err));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const active of this.watches.values()) this.stopWatch(active);
    this.watches.clear();
  }

  private fail(err: unknown): void {
    this.close();
    this.call.destroy(err instanceof Error ? err : new Error(String(err)));
  }

  /** Writes one response, waiting while the transport's buffer is full. */
  private send(res: WireWatchResponse | EncodedWatchResponse): Promise<void> {
    if (this.closed) return Promise.resolve();
    const bytes = res instanceof EncodedWatchResponse ? res.bytes : this.serialize(res);
    return this.direct.write(bytes) ?? writeMessage(this.call, res);
  }

  private async handle(req: WireWatchRequest): Promise<void> {
    if (this.closed) return;
    if (req.create_request) await this.create(req.create_request);
    else if (req.cancel_request) await this.cancel(num(req.cancel_request.watch_id));
    else if (req.progress_request) await this.progress();
  }

  private async create(req: WireWatchCreateRequest): Promise<void> {
    let id = num(req.watch_id);
    const current = await currentRevision(this.ctx.kv);
    const header = this.ctx.header(current);
    if (id !== 0 && this.watches.has(id)) {
      await this.send({
        header,
        watch_id: id,
        created: true,
        canceled: true,
        cancel_reason: "mvcc: duplicate watch ID provided on the WatchStream",
        events: [],
      });
      return;
    }
    if (id === 0) {
      while (this.watches.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    }
    // etcd reads an empty key as "\0" and an empty range end as "this key only".
    const key = req.key && req.key.length > 0 ? plainBytes(req.key) : Uint8Array.of(0);
    const end = req.range_end && req.range_end.length > 0 ? plainBytes(req.range_end) : undefined;
    const filters: EventType[] = (req.filters ?? []).map((f) => (f === "NOPUT" ? "put" : "delete"));
    const start = num(req.start_revision);
    // "From now" means after the revision the created response reports, so nothing falls between.
    const reopen = (startRevision: number) =>
      this.ctx.kv.watch({ key, end }, { startRevision, prevKv: req.prev_kv === true, filters });
    const from = start > 0 ? start : current + 1;
    const active: ActiveWatch = {
      backlog: [],
      backlogEvents: 0,
      // Until the created response is out, what the shared watch hands over waits.
      sending: true,
      next: from,
      progressAsked: false,
      reopen,
      fragment: req.fragment === true,
      sentSinceTick: false,
    };
    const spec: SharedWatchSpec = { key, end, prevKv: req.prev_kv === true, filters };
    active.shared = this.fanout.join(spec, {
      start: from,
      deliver: (batch) => this.take(id, active, batch),
      detach: (next) => this.goAlone(id, active, next),
    });
    if (!active.shared) active.watch = reopen(from);
    this.watches.set(id, active);
    await this.send({ header, watch_id: id, created: true, events: [] });
    // (A watch cancelled while the created response went out gets no timer.)
    if (req.progress_notify && this.watches.get(id) === active) {
      active.timer = setInterval(() => {
        if (!active.sentSinceTick) this.requestProgress(active);
        active.sentSinceTick = false;
      }, this.ctx.progressNotifyIntervalMs);
    }
    if (active.watch) void this.pump(id, active);
    else this.drain(id, active);
  }

  /** A batch from the shared watch: sent now if the stream is free, else kept in order. */
  private take(id: number, active: ActiveWatch, batch: WatchBatch): void {
    if (this.watches.get(id) !== active || !active.shared) return;
    const last = batch.events[batch.events.length - 1];
    if (last) active.next = last.kv.modRevision + 1;
    else active.progressAsked = false;
    if (active.sending || active.backlog.length > 0) {
      active.backlog.push(batch);
      active.backlogEvents += batch.events.length;
      // Too far behind: it stops taking from the shared watch and catches up alone afterwards.
      if (active.backlogEvents > this.maxBacklog) this.goAlone(id, active, active.next);
      return;
    }
    const sent = this.sendBatch(id, active, batch);
    if (sent !== WRITTEN) {
      active.sending = true;
      void sent.then(() => this.drain(id, active));
    }
  }

  /** Sends what waited, in order, then goes on taking batches as they come (or alone). */
  private drain(id: number, active: ActiveWatch): void {
    active.sending = false;
    while (this.watches.get(id) === active) {
      const batch = active.backlog.shift();
      if (!batch) break;
      active.backlogEvents -= batch.events.length;
      const sent = this.sendBatch(id, active, batch);
      if (sent !== WRITTEN) {
        active.sending = true;
        void sent.then(() => this.drain(id, active));
        return;
      }
    }
    if (active.aloneFrom === undefined || this.watches.get(id) !== active) return;
    active.watch = active.reopen(active.aloneFrom);
    active.aloneFrom = undefined;
    if (active.progressAsked) {
      active.progressAsked = false;
      active.watch.requestProgress();
    }
    void this.pump(id, active);
  }

  /** Asks the watch's source for a progress batch (the shared watch answers this member only). */
  private requestProgress(active: ActiveWatch): void {
    if (active.shared) {
      active.progressAsked = true;
      active.shared.requestProgress();
    } else if (active.watch) active.watch.requestProgress();
    // Between leaving the shared watch and reading alone: asked once it reads alone.
    else active.progressAsked = true;
  }

  /** Leaves the shared watch; once its backlog is out, the watch reads the store alone from `next`. */
  private goAlone(id: number, active: ActiveWatch, next: number): void {
    active.shared?.leave();
    active.shared = undefined;
    active.aloneFrom = next;
    if (!active.sending) this.drain(id, active);
  }

  /** One batch as a response (or fragments); WRITTEN when it all went out at once. */
  private sendBatch(id: Int64, active: ActiveWatch, batch: WatchBatch): Promise<void> {
    active.sentSinceTick = true;
    const header = this.ctx.header(batch.revision);
    if (!active.fragment || batch.events.length <= 1) {
      // The same event bytes for every watcher of this change (see watch-encoding.ts).
      return this.send(this.encoder.encode(header, batch.revision, num(id), batch.events));
    }
    const events = batch.events.map(eventToWire);
    const parts = fragmentEvents(events, this.ctx.maxRequestBytes);
    return (async () => {
      for (const [i, part] of parts.entries()) {
        const fragment = i < parts.length - 1;
        await this.send({ header, watch_id: id, events: part, ...(fragment ? { fragment } : {}) });
      }
    })();
  }

  private async pump(id: Int64, active: ActiveWatch): Promise<void> {
    for (;;) {
      const watch = active.watch;
      if (!watch) return;
      try {
        for await (const batch of watch) {
          const sent = this.sendBatch(id, active, batch);
          if (sent !== WRITTEN) await sent;
        }
        return;
      } catch (err) {
        if (this.watches.get(num(id)) !== active) return;
        // The store cuts off a watcher that falls behind; etcd never does (its slow watchers catch
        // up from history), so resume from where this one stopped, invisibly to the client.
        if (err instanceof WatchCancelledError) {
          active.watch = active.reopen(err.lastRevision + 1);
          continue;
        }
        await this.cancelOnError(id, err);
        return;
      }
    }
  }

  /** Ends a watch the store failed: compaction as etcd reports it, anything else with a reason. */
  private async cancelOnError(id: Int64, err: unknown): Promise<void> {
    this.forget(num(id));
    const header = this.ctx.header(await currentRevision(this.ctx.kv).catch(() => 0));
    if (err instanceof CompactedError) {
      await this.send({ header, watch_id: id, canceled: true, compact_revision: err.compacted, events: [] });
    } else {
      const reason = err instanceof Error ? err.message : String(err);
      await this.send({ header, watch_id: id, canceled: true, cancel_reason: reason, events: [] });
    }
  }

  private stopWatch(active: ActiveWatch): void {
    if (active.timer) clearInterval(active.timer);
    active.watch?.close();
    active.shared?.leave();
    active.shared = undefined;
    active.backlog = [];
    active.aloneFrom = undefined;
  }

  private forget(id: number): void {
    const active = this.watches.get(id);
    if (!active) return;
    this.watches.delete(id);
    this.stopWatch(active);
  }

  private async cancel(id: number): Promise<void> {
    if (!this.watches.has(id)) return;
    this.forget(id);
    await this.send({ header: await this.ctx.currentHeader(), watch_id: id, canceled: true, events: [] });
  }

  /**
   * Each watch answers with its own progress response once it has sent everything up to the
   * revision it reports; with no watches the stream answers at once, as etcd does, with ID -1.
   */
  private async progress(): Promise<void> {
    if (this.watches.size === 0) {
      await this.send({ header: await this.ctx.currentHeader(), watch_id: -1, events: [] });
      return;
    }
    for (const active of this.watches.values()) this.requestProgress(active);
  }
}

export function watchService(
  ctx: ServiceContext,
  maxBacklog = DEFAULT_MAX_BACKLOG,
): grpc.UntypedServiceImplementation {
  const serialize = etcdServices().Watch.service.Watch?.responseSerialize as (
    message: Partial<WireWatchResponse>,
  ) => Buffer;
  const encoder = new WatchResponseEncoder(serialize);
  const fanout = new WatchFanout(ctx.kv);
  return {
    Watch: (call: WatchCall) => {
      const stream = new WatchStream(ctx, call, encoder, serialize, fanout, maxBacklog);
      const untrack = ctx.track(() => {
        stream.close();
        call.end();
      });
      const finish = () => {
        untrack();
        stream.close();
      };
      call.on("data", (req: WireWatchRequest) => stream.enqueue(req));
      call.on("end", () => {
        finish();
        call.end();
      });
      call.on("error", finish);
      call.on("close", finish);
      call.on("cancelled", finish);
    },
  };
}
