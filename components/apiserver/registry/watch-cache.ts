// The live objects of one storage prefix in memory, kept current by one KV watch, so lists are
// served without reading the store (upstream's cacher, k8s.io/apiserver pkg/storage/cacher).
// It is exact or absent: a list waits until the cache has seen the store's current revision
// (a progress request proves it), and any watch failure drops the cache (callers then read the KV).
// Its watchers get each tick's events from memory (CacheFanout), as upstream's cacher serves watches.
import { bytes, prefixEnd } from "../../../storage/keys.ts";
import type { KeyValue, KV, Watch, WatchBatch } from "../../../storage/kv.ts";
import { latin1Text } from "./byte-text.ts";
import { CacheEvent } from "./cache-event.ts";
import { CacheFanout, type CacheSubscriber } from "./cache-fanout.ts";
import { MemberIndex } from "./member-index.ts";
import { SortedKeys } from "./sorted-keys.ts";

/** One page of a cached range, as the KV's range would return it at `revision`. */
export interface CachedPage {
  kvs: KeyValue[];
  /** Keys in [start, end) in all: the page plus what follows it. */
  count: number;
  revision: number;
}

/** How long a list waits for the cache to catch up before it reads the KV instead. */
const SYNC_TIMEOUT_MS = 3000;

const latin1 = latin1Text;

export class WatchCache {
  /** Every event up to this revision has been applied. */
  revision = 0;
  /** False once the watch failed or ended: the cache must not be used any more. */
  live = true;
  readonly ready: Promise<void>;
  private readonly items = new Map<string, KeyValue>();
  /** Keys in byte order (latin1 strings compare as their bytes do). */
  private sorted = new SortedKeys();
  private readonly waiters: { target: number; resolve: () => void }[] = [];
  /** Per indexed member name: its string values -> keys (see memberValues). */
  private readonly indexes = new Map<string, MemberIndex>();
  private watch: Watch | undefined;
  private readonly fanout = new CacheFanout(0);
  /** Events applied but not yet handed to watchers (they go out together, once per tick). */
  private pending: CacheEvent[] = [];
  private dispatchScheduled = false;

  constructor(
    private readonly kv: KV,
    readonly prefix: string,
  ) {
    this.ready = this.start();
    this.ready.catch(() => this.fail());
  }

  private async start(): Promise<void> {
    const range = { key: bytes(this.prefix), end: prefixEnd(bytes(this.prefix)) };
    const initial = await this.kv.range(range);
    const keys: string[] = [];
    for (const kv of initial.kvs) {
      const key = latin1(kv.key);
      this.items.set(key, kv);
      keys.push(key);
    }
    // The store's range is in key order.
    this.sorted = SortedKeys.of(keys);
    this.revision = initial.revision;
    this.fanout.windowStart = initial.revision + 1;
    const watch = this.kv.watch(range, { startRevision: initial.revision + 1 });
    this.watch = watch;
    void this.consume(watch);
  }

  private async consume(watch: Watch): Promise<void> {
    try {
      for await (const first of watch) {
        // Every batch the store has queued already (writes committed together): all of them go
        // out in this tick's dispatch, before any of their writers' callers resume.
        const queued = watch.takeQueued?.();
        for (const batch of queued && queued.length > 0 ? [first, ...queued] : [first]) this.apply(batch);
        this.scheduleDispatch();
        this.wakeWaiters();
      }
    } catch {
      // compacted, cancelled or closed: fall through
    }
    this.fail();
  }

  /** Applies one store batch to the items, the indexes and the pending events. */
  private apply(batch: WatchBatch): void {
    for (const event of batch.events) {
      const key = latin1(event.kv.key);
      const old = this.items.get(key);
      if (event.type === "put" || old) this.pending.push(new CacheEvent(event.type, key, event.kv, old));
      if (event.type === "put") {
        if (!old) this.sorted.insert(key);
        this.items.set(key, event.kv);
      } else if (this.items.delete(key)) this.sorted.delete(key);
      for (const index of this.indexes.values())
        index.move(key, old?.value, event.type === "put" ? event.kv.value : undefined);
    }
    if (batch.revision > this.revision) this.revision = batch.revision;
  }

  private fail(): void {
    this.live = false;
    this.watch?.close();
    for (const w of this.waiters.splice(0)) w.resolve();
    this.pending = [];
    this.fanout.end();
  }

  /**
   * One dispatch per store batch (a group commit), in a microtask: watchers get the events before
   * the writers' responses are sent, as from the store's own watch. setImmediate let a controller
   * read its write's answer and act on a stale informer first (409s on every Deployment rollout).
   */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled || !this.live) return;
    this.dispatchScheduled = true;
    queueMicrotask(() => {
      this.dispatchScheduled = false;
      if (!this.live) return;
      const events = this.pending;
      this.pending = [];
      this.fanout.dispatch(events, this.revision, Date.now());
    });
  }

  /**
   * Adds a watcher (see CacheFanout.subscribe): false when the cache is not live or its window
   * does not reach back to `sub.from`, and the watch must be served from the store.
   */
  subscribe(sub: CacheSubscriber): boolean {
    return this.live && this.fanout.subscribe(sub);
  }

  unsubscribe(sub: CacheSubscriber): void {
    this.fanout.unsubscribe(sub);
  }

  /** `sub` gets a bookmark once the cache knows it is current (a progress request). */
  requestBookmark(sub: CacheSubscriber): void {
    if (!this.live) return;
    this.fanout.requestBookmark(sub);
    this.watch?.requestProgress();
  }

  /** Watchers now. */
  get watchers(): number {
    return this.fanout.size;
  }

  private wakeWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i] as { target: number; resolve: () => void };
      if (w.target <= this.revision) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Waits until every event up to `target` is applied; false if the cache cannot say so. */
  async syncTo(target: number): Promise<boolean> {
    await this.ready.catch(() => undefined);
    if (!this.live) return false;
    if (this.revision >= target) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.waiters.push({ target, resolve });
      timer = setTimeout(resolve, SYNC_TIMEOUT_MS);
      // Events of other prefixes do not reach this watch: a progress notification says how far it is.
      this.watch?.requestProgress();
    });
    clearTimeout(timer);
    return this.live && this.revision >= target;
  }

  /** Index of the first key >= `key`. */
  private insertionPoint(key: string): number {
    return this.sorted.lowerBound(key);
  }

  /**
   * The objects in [start, end) in key order, at `revision`; at most `limit` (0: all) that pass
   * `accept`, stopping there. Synchronous: no write can change the cache during it.
   */
  page(
    start: Uint8Array,
    end: Uint8Array,
    limit: number,
    accept: (kv: KeyValue) => boolean,
  ): CachedPage & { more: boolean; scannedTo: number } {
    const from = this.insertionPoint(latin1(start));
    const to = this.insertionPoint(latin1(end));
    const kvs: KeyValue[] = [];
    const i = this.sorted.scan(from, to, (key) => {
      if (limit > 0 && kvs.length === limit) return false;
      const kv = this.items.get(key) as KeyValue;
      if (accept(kv)) kvs.push(kv);
      return true;
    });
    return { kvs, count: to - from, revision: this.revision, more: i < to, scannedTo: i - from };
  }

  /**
   * Like page(), but visiting only objects whose stored JSON has `"member":"value"` (and those
   * whose member text an index cannot read): the others cannot pass a filter that needs it.
   */
  indexedPage(
    member: string,
    value: string,
    start: Uint8Array,
    end: Uint8Array,
    limit: number,
    accept: (kv: KeyValue) => boolean,
  ): { kvs: KeyValue[]; revision: number; more: boolean } {
    let index = this.indexes.get(member);
    if (!index) {
      index = new MemberIndex(member);
      for (const [key, kv] of this.items) index.move(key, undefined, kv.value);
      this.indexes.set(member, index);
    }
    const from = latin1(start);
    const to = latin1(end);
    const candidates = index.candidates(value).filter((k) => k >= from && k < to);
    candidates.sort();
    const kvs: KeyValue[] = [];
    let lastKey: string | undefined;
    for (const key of candidates) {
      if (limit > 0 && kvs.length === limit) break;
      const kv = this.items.get(key) as KeyValue;
      if (accept(kv)) {
        kvs.push(kv);
        lastKey = key;
      }
    }
    // More: any key at all after the last one returned (the store's paging says the same).
    const more =
      limit > 0 &&
      kvs.length === limit &&
      lastKey !== undefined &&
      this.insertionPoint(`${lastKey}\0`) < this.insertionPoint(to);
    return { kvs, revision: this.revision, more };
  }

  get size(): number {
    return this.items.size;
  }

  /**
   * (Added by helper A for Store.update: upstream GuaranteedUpdate's cachedExistingObject.) The
   * cached key-value of `key`, possibly behind the store: callers must guard on its modRevision.
   */
  cached(key: Uint8Array): KeyValue | undefined {
    return this.live ? this.items.get(latin1(key)) : undefined;
  }
}

const caches = new WeakMap<KV, Map<string, WatchCache>>();

/** (Added by helper A.) The live cache of `prefix` over `kv` if one is running; never starts one. */
export function runningWatchCache(kv: KV, prefix: string): WatchCache | undefined {
  const cache = caches.get(kv)?.get(prefix);
  return cache?.live ? cache : undefined;
}

/** The cache of `prefix` over `kv`, started on first use and shared by every Store of it. */
export function watchCacheFor(kv: KV, prefix: string): WatchCache {
  let byPrefix = caches.get(kv);
  if (!byPrefix) {
    byPrefix = new Map();
    caches.set(kv, byPrefix);
  }
  let cache = byPrefix.get(prefix);
  if (!cache?.live) {
    cache = new WatchCache(kv, prefix);
    byPrefix.set(prefix, cache);
  }
  return cache;
}
