// A WATCH response fed by the watch cache: the cache's dispatch writes each tick's lines straight
// into the response stream (the stored-JSON line of an event is encoded once for every watcher
// and the same bytes are written to each), with no per-watcher task in between.

import type { KeyValue } from "../../../storage/kv.ts";
import type { ResourceRequest } from "../api-context.ts";
import type { CacheEvent } from "../registry/cache-event.ts";
import { cachedWatch } from "../registry/cached-watch.ts";
import { decodeObject, objectJson, type Stored } from "../registry/object.ts";
import type { Scope } from "../registry/store.ts";
import { WatchBody } from "./watch-body.ts";
import { bookmarkLine, watchLineEncoder } from "./watch-line.ts";

/** Objects per chunk of the initial ADDED events. */
const INITIAL_CHUNK = 512;

const encoder = new TextEncoder();

/** Lines of a watcher without selector or conversion, per events array the fan-out shares. */
const sharedRuns = new WeakMap<readonly CacheEvent[], Uint8Array>();

export interface CachedWatchStreamOptions {
  scope: Scope;
  resourceVersion: string;
  /** The stored JSON is what the watcher gets (no Table, codec or metadata-only form). */
  raw: boolean;
  bookmarkEveryMs: number;
  /** Ends the watch (client gone, timeout). */
  signal: AbortSignal;
}

/** The response, or undefined when the cache cannot serve this watch (watch the store instead). */
export async function cachedWatchResponse(
  r: ResourceRequest,
  options: CachedWatchStreamOptions,
): Promise<Response | undefined> {
  const { scope, raw } = options;
  const encode = raw ? undefined : watchLineEncoder(r);
  let timer: ReturnType<typeof setInterval> | undefined;
  let handle: { close(): void; requestBookmark(): void } | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    handle?.close();
  };
  const body = new WatchBody(stop);
  const finish = () => {
    stop();
    body.close();
  };
  const write = (chunk: Uint8Array) => body.write(chunk);
  const lineOf = (e: CacheEvent): Uint8Array | string | undefined => {
    const type = e.typeFor(scope.filter, scope.prefilter);
    if (!type) return undefined;
    return encode ? encode(type, e.objectFor(type)) : e.line(type);
  };
  const sink = {
    initial: (kvs: readonly KeyValue[]) => {
      let parts: string[] = [];
      for (const kv of kvs) {
        if (scope.prefilter && !scope.prefilter(kv.value)) continue;
        const needsObject = scope.filter !== undefined || encode !== undefined;
        const obj: Stored | undefined = needsObject ? decodeObject(kv) : undefined;
        if (scope.filter && !scope.filter(obj as Stored)) continue;
        parts.push(encode ? encode("ADDED", obj as Stored) : `{"type":"ADDED","object":${objectJson(kv)}}\n`);
        if (parts.length === INITIAL_CHUNK) {
          write(encoder.encode(parts.join("")));
          parts = [];
        }
      }
      if (parts.length > 0) write(encoder.encode(parts.join("")));
    },
    events: (events: readonly CacheEvent[]) => {
      if (events.length === 1) {
        const line = lineOf(events[0] as CacheEvent);
        if (line !== undefined) write(typeof line === "string" ? encoder.encode(line) : line);
        return;
      }
      const plain = !encode && !scope.filter && !scope.prefilter;
      const shared = plain ? sharedRuns.get(events) : undefined;
      if (shared) return write(shared);
      const lines: Uint8Array[] = [];
      for (const e of events) {
        const line = lineOf(e);
        if (line !== undefined) lines.push(typeof line === "string" ? encoder.encode(line) : line);
      }
      if (lines.length === 0) return;
      const run = lines.length === 1 ? (lines[0] as Uint8Array) : Buffer.concat(lines);
      if (plain) sharedRuns.set(events, run);
      write(run);
    },
    bookmark: (revision: number) => write(encoder.encode(bookmarkLine(r, revision))),
    ended: finish,
  };
  handle = await cachedWatch(
    r.entry.store,
    {
      namespace: scope.namespace,
      resourceVersion: options.resourceVersion,
      ...(r.info.name ? { name: r.info.name } : scope.name !== undefined ? { name: scope.name } : {}),
      ...(scope.index ? { index: scope.index } : {}),
    },
    sink,
  );
  if (!handle) return undefined;
  if (options.signal.aborted) finish();
  else options.signal.addEventListener("abort", finish, { once: true });
  if (options.bookmarkEveryMs > 0)
    timer = setInterval(() => handle?.requestBookmark(), options.bookmarkEveryMs);
  return new Response(body.stream, { status: 200, headers: { "Content-Type": "application/json" } });
}
