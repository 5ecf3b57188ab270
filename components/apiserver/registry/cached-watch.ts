// A watch served by the watch cache of a Store's resource (upstream's Cacher.Watch): from now
// with the current objects first (resourceVersion unset: after the cache caught up with the
// store; "0": whatever the cache holds), or from a revision its event window still holds.
// Undefined when the cache cannot serve it: the caller watches the store instead.
import { bytes } from "../../../storage/keys.ts";
import type { KeyValue } from "../../../storage/kv.ts";
import type { CacheEvent } from "./cache-event.ts";
import type { CacheSubscriber } from "./cache-fanout.ts";
import type { Store } from "./store.ts";
import { watchCacheFor } from "./watch-cache.ts";

/** Watches are served from memory; a test switches it off to compare with the store's answers. */
export const watchFromCache = { enabled: true };

/** Where a cached watch's output goes; called synchronously from the cache's dispatch. */
export interface CachedWatchSink {
  /** The objects at the start (resourceVersion unset or "0"), at `revision`. */
  initial(kvs: readonly KeyValue[], revision: number): void;
  events(events: readonly CacheEvent[]): void;
  bookmark(revision: number): void;
  /** The cache stopped: the watch is over (the client watches again). */
  ended(): void;
}

export interface CachedWatch {
  close(): void;
  /** A bookmark follows once the cache knows it is current. */
  requestBookmark(): void;
}

export interface CachedWatchOptions {
  namespace: string;
  /** One object by name. */
  name?: string;
  resourceVersion: string;
  index?: { member: string; value: string };
}

const latin1 = (s: string): string => Buffer.from(bytes(s)).toString("latin1");

export async function cachedWatch(
  store: Store,
  options: CachedWatchOptions,
  sink: CachedWatchSink,
): Promise<CachedWatch | undefined> {
  if (!watchFromCache.enabled) return undefined;
  const prefix = `${store.prefix}/`;
  const cache = watchCacheFor(store.kv, prefix);
  const rv = options.resourceVersion;
  if (rv === "") {
    // From now, consistently: the store's revision now, then the cache at least there.
    const current = (await store.kv.range({ key: bytes(prefix) })).revision;
    if (!(await cache.syncTo(current))) return undefined;
  } else await cache.ready.catch(() => undefined);
  // From here on synchronous: nothing reaches the cache between the snapshot and the subscription.
  if (!cache.live) return undefined;
  let start: string;
  let end: string;
  if (options.name !== undefined) {
    start = Buffer.from(store.key(options.namespace, options.name)).toString("latin1");
    end = `${start}\0`;
  } else {
    start = latin1(
      store.resource.namespaced && options.namespace ? `${prefix}${options.namespace}/` : prefix,
    );
    end = `${start.slice(0, -1)}0`; // the prefix's end: its last byte, "/", plus one
  }
  const initial = rv === "" || rv === "0";
  const from = initial ? cache.revision + 1 : Number(rv) + 1;
  let closed = false;
  const sub: CacheSubscriber = {
    start,
    end,
    from,
    ...(options.index ? { index: options.index } : {}),
    deliver: (events) => {
      if (!closed) sink.events(events);
    },
    bookmark: (revision) => {
      if (!closed) sink.bookmark(revision);
    },
    ended: () => {
      if (closed) return;
      closed = true;
      sink.ended();
    },
  };
  if (initial) {
    const page = cache.page(bytes(start), bytes(end), 0, () => true);
    sink.initial(page.kvs, page.revision);
  }
  if (!cache.subscribe(sub)) return undefined;
  return {
    close: () => {
      if (closed) return;
      closed = true;
      cache.unsubscribe(sub);
    },
    requestBookmark: () => {
      if (!closed) cache.requestBookmark(sub);
    },
  };
}
