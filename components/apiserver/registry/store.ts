// The generic store of one resource over the KV: create-if-absent, read, paged list at a
// revision, compare-and-swap updates with retry, guarded delete, and watch with selector
// transitions. Upstream: k8s.io/apiserver pkg/storage/etcd3/store.go and
// pkg/registry/generic/registry/store.go; the per-kind rules live in a Strategy.
import type { ResourceInfo } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { CompactedError } from "../../../storage/errors.ts";
import { bytes, prefixEnd, text } from "../../../storage/keys.ts";
import type { KeyValue, KV } from "../../../storage/kv.ts";
import { isStale } from "../encryption/stale-values.ts";
import { decodeContinue } from "./continue-token.ts";
import { encodeParts, rememberEncoding } from "./encoded-object.ts";
import { frozenObjectOf } from "./frozen-object.ts";
import { listFromCache } from "./list-from-cache.ts";
import { collect, ListOutput, type ListResult, listResult } from "./list-output.ts";
import { decodeObject, encodeWhole, type KObject, type Stored } from "./object.ts";
import { type ObjectEvent, toObjectEvent } from "./object-watch-event.ts";
import { type RawObjectEvent, toRawEvent } from "./raw-watch-event.ts";
import { expiredStatus, mapStorageError } from "./storage-status.ts";
import type { StoredPrefilter } from "./stored-prefilter.ts";
import { runningWatchCache, watchCacheFor } from "./watch-cache.ts";

export type { ListResult } from "./list-output.ts";
export type { ObjectEvent } from "./object-watch-event.ts";

/** Which objects a list or watch wants (namespace, selectors as a predicate). */
export interface Scope {
  /** Empty: all namespaces (or a cluster-scoped resource). */
  namespace: string;
  /** A predicate built from label and field selectors; absent: everything. */
  filter?: (obj: Stored) => boolean;
  /** True when `filter` is not trivial (remainingItemCount is then unknown). */
  filtered?: boolean;
  /** A byte-level pre-check of `filter` on the stored value: false means `filter` is false too. */
  prefilter?: StoredPrefilter;
  /** `filter` needs this string member to have this value (a watch cache may index it). */
  index?: { member: string; value: string };
  /** `filter` holds only the object of this name in `namespace` (a watch cache may watch its key). */
  name?: string;
}

export interface ListOptions extends Scope {
  limit?: number;
  continue?: string;
  /** "" or "0" or N with resourceVersionMatch. */
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Return unfiltered items as stored JSON text (no parse); ignored when there is a filter. */
  raw?: boolean;
  /** Return the items as UTF-8 JSON parts (objectJsonBytes; parsed only to test a filter). */
  bytes?: boolean;
  /** Return the stored key-values themselves (parsed only to test a filter); wins over the others. */
  kvs?: boolean;
}

export type WatchScope = Scope & { resourceVersion?: string; signal?: AbortSignal; progressEveryMs?: number };

export interface ProgressEvent {
  type: "PROGRESS";
  revision: number;
}

const MAX_CAS_RETRIES = 16;

export class Store {
  constructor(
    readonly kv: KV,
    readonly resource: ResourceInfo,
    /** Storage prefix without a trailing slash (the resource table's, or a CRD's). */
    readonly prefix: string = resource.storagePrefix,
  ) {}

  get qualified(): { group: string; resource: string } {
    return { group: this.resource.group, resource: this.resource.plural };
  }

  key(namespace: string, name: string): Uint8Array {
    return bytes(this.resource.namespaced ? `${this.prefix}/${namespace}/${name}` : `${this.prefix}/${name}`);
  }

  private scopePrefix(namespace: string): Uint8Array {
    return bytes(this.resource.namespaced && namespace ? `${this.prefix}/${namespace}/` : `${this.prefix}/`);
  }

  async current(namespace: string, name: string): Promise<{ obj: Stored; kv: KeyValue } | undefined> {
    const r = await this.kv.range({ key: this.key(namespace, name) });
    const kv = r.kvs[0];
    return kv ? { obj: decodeObject(kv), kv } : undefined;
  }

  /**
   * A lookup for the server's own use (admission's ServiceAccount and namespace reads), as
   * upstream's plugins read through listers: the watch cache's copy (the cache is started on
   * first use), else the store. It may trail the store by a moment, as a lister does; an object
   * the cache has not seen is read from the store. A cached object is parsed once per version
   * and shared, deeply frozen: callers only read it (a write to it throws).
   */
  async lookup(namespace: string, name: string): Promise<{ obj: Stored; kv: KeyValue } | undefined> {
    const kv = watchCacheFor(this.kv, `${this.prefix}/`).cached(this.key(namespace, name));
    if (!kv) return this.current(namespace, name);
    return { obj: frozenObjectOf(kv), kv };
  }

  /**
   * The watch cache's key-value of an object (started on first use), for a GET with
   * resourceVersion=0, which upstream's cacher answers from memory; undefined when the cache
   * does not hold it (not yet running, or no such object: the store decides).
   */
  cachedValue(namespace: string, name: string): KeyValue | undefined {
    return watchCacheFor(this.kv, `${this.prefix}/`).cached(this.key(namespace, name));
  }

  async get(namespace: string, name: string): Promise<Stored> {
    const found = await this.current(namespace, name);
    if (!found) throw StatusError.notFound(this.qualified, name);
    return found.obj;
  }

  /** Store a new object; 409 AlreadyExists if the name is taken. */
  async create(namespace: string, name: string, obj: KObject): Promise<Stored> {
    const key = this.key(namespace, name);
    const parts = encodeParts(obj);
    const t = await this.kv.txn(
      [{ key, target: "mod", result: "=", value: 0 }],
      [{ type: "put", key, value: parts ? parts.value : encodeWhole(obj) }],
      [],
    );
    if (!t.succeeded) throw StatusError.alreadyExists(this.qualified, name);
    const created = withVersion(obj, t.revision);
    if (parts) rememberEncoding(created, parts);
    return created;
  }

  /**
   * Read-modify-write with compare-and-swap, retried on races. `mutate` gets the current
   * object (undefined if absent) and returns the object to store, or undefined to delete it.
   * When the caller pinned a resourceVersion, a race is a 409 instead of a retry.
   * The first try takes the object from the running watch cache when it holds the key (upstream
   * GuaranteedUpdate's cachedExistingObject): no storage read, guarded by its modRevision. When
   * that copy would decide the answer (`mutate` throws, or nothing would change), the store is
   * read first: the same revision stands, a newer one is tried again.
   */
  async update(
    namespace: string,
    name: string,
    mutate: (current: Stored | undefined) => Promise<KObject | undefined> | KObject | undefined,
    options: { pinned?: boolean } = {},
  ): Promise<{ obj: Stored; created: boolean; deleted: boolean }> {
    const key = this.key(namespace, name);
    let cached = runningWatchCache(this.kv, `${this.prefix}/`)?.cached(key);
    // The store's read already made for the next try (absent: none).
    let read: { kv: KeyValue | undefined } | undefined;
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      // `current`: the state is the store's own read (upstream's origStateIsCurrent).
      const current = cached === undefined;
      const found: KeyValue | undefined = cached ?? (read ? read.kv : (await this.kv.range({ key })).kvs[0]);
      cached = undefined;
      read = undefined;
      // `mutate` gets its own parse of the stored JSON; the stored object is parsed again only
      // when it is the answer (a delete or no change).
      let next: KObject | undefined;
      try {
        next = await mutate(found ? decodeObject(found) : undefined);
      } catch (err) {
        if (current) throw err;
        read = { kv: (await this.kv.range({ key })).kvs[0] };
        if (read.kv?.modRevision === found?.modRevision) throw err;
        continue; // a stale copy's verdict: try the store's object
      }
      const guard = [{ key, target: "mod" as const, result: "=" as const, value: found?.modRevision ?? 0 }];
      if (next === undefined) {
        if (!found) throw StatusError.notFound(this.qualified, name);
        const t = await this.kv.txn(guard, [{ type: "delete", key }], []);
        if (t.succeeded)
          return { obj: withVersion(decodeObject(found), t.revision), created: false, deleted: true };
      } else {
        const parts = encodeParts(next);
        const value = parts ? parts.value : encodeWhole(next);
        // A value under an old encryption key is rewritten even when unchanged (key rotation).
        if (found && sameBytes(found.value, value) && !isStale(found)) {
          if (current) return { obj: decodeObject(found), created: false, deleted: false };
          // A cached copy carries no stale mark: the store's read decides.
          read = { kv: (await this.kv.range({ key })).kvs[0] };
          if (read.kv && read.kv.modRevision === found.modRevision && !isStale(read.kv))
            return { obj: decodeObject(read.kv), created: false, deleted: false };
          continue;
        }
        const t = await this.kv.txn(guard, [{ type: "put", key, value }], []);
        if (t.succeeded) {
          const obj = withVersion(next, t.revision);
          // The response is made from the stored parts (handlers/update.ts), as a create's.
          if (parts) rememberEncoding(obj, parts);
          return { obj, created: !found, deleted: false };
        }
      }
      if (options.pinned && current) throw StatusError.modified(this.qualified, name);
    }
    throw StatusError.conflict(this.qualified, name, "too many concurrent writers; try again");
  }

  async list(options: ListOptions): Promise<ListResult> {
    const prefix = this.scopePrefix(options.namespace);
    // A metadata.name equality: only that key can hold a match.
    const only = options.name !== undefined ? this.key(options.namespace, options.name) : undefined;
    const end = only ? keyAfter(only) : prefixEnd(prefix);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    let start = only ?? prefix;
    let revision = 0;
    let pinned = false;
    if (options.continue) {
      const token = decodeContinue(options.continue, text(prefix));
      start = bytes(token.start);
      revision = token.rv;
    } else if (options.resourceVersionMatch === "Exact" && options.resourceVersion) {
      revision = Number(options.resourceVersion);
      pinned = true;
    }
    if (!pinned) {
      const out = new ListOutput();
      const cached = await listFromCache(this.kv, `${this.prefix}/`, {
        continued: options.continue !== undefined,
        resourceVersion: options.resourceVersion ?? "",
        start,
        end,
        limit,
        revision,
        filtered: options.filtered === true,
        ...(options.index ? { index: options.index } : {}),
        emit: (kv, rev) => collect(options, out, kv, rev),
      });
      if (cached) return listResult(options, { out, ...cached }, prefix);
    }
    const out = new ListOutput();
    let more = false;
    let nextKey: Uint8Array | undefined;
    let remaining: number | undefined;
    try {
      for (;;) {
        const page = await this.kv.range(
          { key: start, end },
          { limit: limit > 0 ? Math.max(limit - out.count, 1) * (options.filtered ? 2 : 1) : 0, revision },
        );
        if (revision === 0) revision = page.revision;
        for (let i = 0; i < page.kvs.length; i++) {
          const kv = page.kvs[i] as KeyValue;
          collect(options, out, kv, kv.modRevision);
          if (limit > 0 && out.count === limit) {
            const rest = page.kvs.length - i - 1;
            more = rest > 0 || page.more;
            nextKey = keyAfter(kv.key);
            if (more && !options.filtered) remaining = page.count - (i + 1);
            break;
          }
        }
        if (nextKey || !page.more) break;
        start = keyAfter((page.kvs[page.kvs.length - 1] as KeyValue).key);
      }
    } catch (err) {
      throw mapStorageError(err, options.continue !== undefined);
    }
    return listResult(options, { out, revision, more, nextKey, remaining }, prefix);
  }

  /**
   * Watch changes after `resourceVersion` ("" or "0": first the current objects as ADDED).
   * Events for objects entering or leaving the scope's filter become ADDED or DELETED.
   */
  watch(scope: WatchScope & { raw?: false }): AsyncGenerator<ObjectEvent | ProgressEvent>;
  watch(scope: WatchScope & { raw?: boolean }): AsyncGenerator<ObjectEvent | RawObjectEvent | ProgressEvent>;
  async *watch(
    scope: WatchScope & {
      /** Yield RawObjectEvents: one serialization (and one parse for a filter) for all watchers. */
      raw?: boolean;
    },
  ): AsyncGenerator<ObjectEvent | RawObjectEvent | ProgressEvent> {
    const prefix = this.scopePrefix(scope.namespace);
    const rv = scope.resourceVersion ?? "";
    const raw = scope.raw === true;
    let from: number;
    if (rv === "" || rv === "0") {
      const initial = await this.list({
        namespace: scope.namespace,
        filter: scope.filter,
        filtered: scope.filtered,
        ...(scope.prefilter ? { prefilter: scope.prefilter } : {}),
        raw,
      });
      if (initial.raw) for (const json of initial.raw) yield { type: "ADDED", json };
      else for (const obj of initial.items) yield { type: "ADDED", object: obj };
      from = Number(initial.resourceVersion) + 1;
    } else {
      if (!/^\d+$/.test(rv)) throw StatusError.badRequest(`invalid resource version "${rv}"`);
      from = Number(rv) + 1;
    }
    const watch = this.kv.watch(
      { key: prefix, end: prefixEnd(prefix) },
      { startRevision: from, prevKv: true, signal: scope.signal },
    );
    const progress = scope.progressEveryMs
      ? setInterval(() => watch.requestProgress(), scope.progressEveryMs)
      : undefined;
    try {
      for await (const batch of watch) {
        if (batch.events.length === 0) {
          yield { type: "PROGRESS", revision: batch.revision };
          continue;
        }
        for (const event of batch.events) {
          // Neither side can match the selector: no parse (toRawEvent would drop it too).
          if (
            scope.prefilter &&
            !scope.prefilter(event.kv.value) &&
            !(event.prevKv && scope.prefilter(event.prevKv.value))
          )
            continue;
          const out = raw
            ? toRawEvent(event.type, event.kv, event.prevKv, scope.filter)
            : toObjectEvent(event.type, event.kv, event.prevKv, scope.filter);
          if (out) yield out;
        }
      }
    } catch (err) {
      if (err instanceof CompactedError) {
        yield { type: "ERROR", object: expiredStatus(Number(rv), err.compacted) };
        return;
      }
      throw err;
    } finally {
      if (progress) clearInterval(progress);
      watch.close();
    }
  }
}

function keyAfter(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

function withVersion(obj: KObject, revision: number): Stored {
  const copy = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
  return copy as Stored;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
