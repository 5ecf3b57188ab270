// WATCH: a chunked stream of {"type","object"} lines, one per event, flushed as it happens
// (wire spec §7): from a resourceVersion or from "now" with the current objects as ADDED,
// selector transitions, Table events (columns on the first only), bookmarks, timeoutSeconds,
// and a 410 ERROR event when the requested revision was compacted. Served by the watch cache
// when it can (cached-watch-stream.ts), else by a watch of the store.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { queryBool } from "../http/query-bool.ts";
import type { KObject } from "../registry/object.ts";
import { cachedWatchResponse } from "./cached-watch-stream.ts";
import { selectionScope } from "./selection.ts";
import { bookmarkLine, watchLineEncoder } from "./watch-line.ts";
import { watchTimeoutMs } from "./watch-timeout.ts";

const BOOKMARK_EVERY_MS = 60_000;
const encoder = new TextEncoder();

export async function watchObjects(r: ResourceRequest): Promise<Response> {
  const { entry, info, url, wanted } = r;
  const rv = url.searchParams.get("resourceVersion") ?? "";
  if (rv !== "" && !/^\d+$/.test(rv))
    throw StatusError.badRequest(`invalid resource version "${rv}": must be a number`);
  const timeoutParam = url.searchParams.get("timeoutSeconds");
  const timeout = timeoutParam ? Number(timeoutParam) : 0;
  if (!Number.isFinite(timeout) || timeout < 0)
    throw StatusError.badRequest(`invalid timeoutSeconds "${timeoutParam}"`);
  const bookmarks = queryBool(url.searchParams, "allowWatchBookmarks");
  const scope = selectionScope(entry, url, info.namespace);

  const abort = new AbortController();
  // An in-process client may hand over a request that was aborted before it got here.
  if (r.req.signal?.aborted) abort.abort();
  else r.req.signal?.addEventListener("abort", () => abort.abort(), { once: true });
  const timeoutMs = watchTimeoutMs(timeout);
  const timer = timeoutMs > 0 ? setTimeout(() => abort.abort(), timeoutMs) : undefined;
  abort.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  // Plain JSON events of a kind stored as served: the stored text, spliced (as lists do).
  const raw = !wanted.table && !wanted.partial && !entry.codec && !entry.info.storageVersion;
  const cached = await cachedWatchResponse(r, {
    scope,
    resourceVersion: rv,
    raw,
    bookmarkEveryMs: bookmarks ? BOOKMARK_EVERY_MS : 0,
    signal: abort.signal,
  });
  if (cached) return cached;

  if (info.name) {
    const name = info.name;
    const inner = scope.filter;
    scope.filter = (o) => o.metadata.name === name && (!inner || inner(o));
    scope.filtered = true;
  }
  const events = entry.store.watch({
    ...scope,
    raw,
    resourceVersion: rv,
    signal: abort.signal,
    progressEveryMs: bookmarks ? BOOKMARK_EVERY_MS : 0,
  });
  const encode = watchLineEncoder(r);
  const close = () => {
    abort.abort();
    void events.return(undefined);
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // Bun sends the header block only with the first body byte; a client waiting for the
      // headers of a quiet watch (kubectl rollout status on a finished rollout) would hang. JSON
      // stream decoders skip whitespace between objects.
      controller.enqueue(encoder.encode("\n"));
    },
    async pull(controller) {
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = await events.next();
        } catch (err) {
          const status =
            err instanceof StatusError ? err.status : StatusError.internal((err as Error).message).status;
          controller.enqueue(encoder.encode(`${JSON.stringify({ type: "ERROR", object: status })}\n`));
          close();
          controller.close();
          return;
        }
        if (next.done) {
          close();
          controller.close();
          return;
        }
        const ev = next.value as { type: string; object?: KObject; json?: string; revision?: number };
        let line: string;
        if (ev.json !== undefined) {
          line = `{"type":"${ev.type}","object":${ev.json}}\n`;
        } else if (ev.type === "PROGRESS") {
          if (!bookmarks) continue;
          line = bookmarkLine(r, ev.revision ?? 0);
        } else if (ev.type === "ERROR") {
          line = `${JSON.stringify({ type: "ERROR", object: ev.object })}\n`;
        } else {
          line = encode(ev.type, ev.object as KObject);
        }
        controller.enqueue(encoder.encode(line));
        return;
      }
    },
    cancel() {
      close();
    },
  });
  return new Response(stream, { status: 200, headers: { "Content-Type": "application/json" } });
}
