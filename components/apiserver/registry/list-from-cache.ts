// A list page served from the watch cache when that gives exactly what the store would: upstream's
// rules (cacher.GetList) — resourceVersion "0" any revision, unset or N at least the store's
// current revision, a continue token only while the cache is still at the token's revision.
import { bytes } from "../../../storage/keys.ts";
import type { KeyValue, KV } from "../../../storage/kv.ts";
import { watchCacheFor } from "./watch-cache.ts";

export interface CachedListRequest {
  continued: boolean;
  resourceVersion: string;
  start: Uint8Array;
  end: Uint8Array;
  /** 0: no limit. */
  limit: number;
  /** A continue token's revision (0 without one). */
  revision: number;
  /** With a filter remainingItemCount is unknown. */
  filtered: boolean;
  /** Only objects with this string member can pass the filter (an equality on it). */
  index?: { member: string; value: string };
  /** Adds an object to the output if it passes the filter; true if it did. */
  emit(kv: KeyValue, revision: number): boolean;
}

export interface CachedListPage {
  revision: number;
  more: boolean;
  nextKey?: Uint8Array;
  remaining?: number;
}

/** Lists are served from memory; a test switches it off to compare with the store's answers. */
export const listCache = { enabled: true };

/** The page from the cache of `prefix`, or undefined when the KV must answer. */
export async function listFromCache(
  kv: KV,
  prefix: string,
  request: CachedListRequest,
): Promise<CachedListPage | undefined> {
  if (!listCache.enabled) return undefined;
  const cache = watchCacheFor(kv, prefix);
  if (request.continued) {
    await cache.ready.catch(() => undefined);
    if (!cache.live || cache.revision !== request.revision) return undefined;
  } else if (request.resourceVersion === "0") {
    await cache.ready.catch(() => undefined);
    if (!cache.live) return undefined;
  } else {
    // A consistent read: the store's revision now, then the cache at least there.
    const current = (await kv.range({ key: bytes(prefix) })).revision;
    if (!(await cache.syncTo(current))) return undefined;
  }
  // From here on synchronous: the cache cannot move under the page.
  if (!cache.live) return undefined;
  const revision = cache.revision;
  if (request.index) {
    const { kvs, more } = cache.indexedPage(
      request.index.member,
      request.index.value,
      request.start,
      request.end,
      request.limit,
      (item) => request.emit(item, item.modRevision),
    );
    const last = kvs[kvs.length - 1];
    return more && last ? { revision, more, nextKey: keyAfter(last.key) } : { revision, more: false };
  }
  let last: KeyValue | undefined;
  const page = cache.page(request.start, request.end, request.limit, (item) => {
    if (!request.emit(item, item.modRevision)) return false;
    last = item;
    return true;
  });
  const out: CachedListPage = { revision, more: page.more };
  if (page.more && last) {
    out.nextKey = keyAfter(last.key);
    if (!request.filtered) out.remaining = page.count - page.scannedTo;
  }
  return out;
}

/**
 * Each item read from the store replaced by the watch cache's own KeyValue when the cache holds it
 * at the same revision (the same object then), so memos keyed by the cache's objects (cached Table
 * rows) serve pages the store answered too: continue pages after a write. Items the cache
 * already gave come back as they are.
 */
export function asCachedKeyValues(kv: KV, prefix: string, items: readonly KeyValue[]): readonly KeyValue[] {
  if (!listCache.enabled || items.length === 0) return items;
  const cache = watchCacheFor(kv, prefix);
  if (!cache.live) return items;
  const cachedOf = (item: KeyValue): KeyValue | undefined => {
    const found = cache.page(item.key, keyAfter(item.key), 1, () => true).kvs[0];
    return found && found.modRevision === item.modRevision ? found : undefined;
  };
  const first = items[0] as KeyValue;
  if (cachedOf(first) === first) return items;
  return items.map((item) => cachedOf(item) ?? item);
}

function keyAfter(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}
