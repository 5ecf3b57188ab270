// A write's watch events reach its watchers before the write's response returns (upstream's
// watchers see a write no later than its writer; controllers rely on it): for the watch cache's
// subscribers, for a cache-fed WATCH response's bytes, and for the store-fed WATCH (cache off).
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { watchFromCache } from "../registry/cached-watch.ts";
import { watchCacheFor } from "../registry/watch-cache.ts";
import { type Apiserver, startApiserver } from "../server.ts";

let dir: string;
let kv: SqliteKV;
let api: Apiserver;
const aborts: AbortController[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  api = await startApiserver({ kv, compactionIntervalMs: 0 });
});

afterEach(async () => {
  watchFromCache.enabled = true;
  try {
    for (const a of aborts.splice(0)) a.abort();
    await api.stop();
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const configmaps = "/api/v1/namespaces/default/configmaps";

async function call(method: string, path: string, body?: object): Promise<Response> {
  const res = await api.handler(
    new Request(`http://x${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

const cm = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data,
});

test("the cache's subscribers have a write's event when its response returns: create, update, delete", async () => {
  await call("POST", configmaps, cm("warm"));
  const cache = watchCacheFor(kv, "/registry/configmaps/");
  await cache.ready;
  const seen: string[] = [];
  expect(
    cache.subscribe({
      start: "/registry/configmaps/default/",
      end: "/registry/configmaps/default0",
      from: cache.revision + 1,
      deliver: (events) => {
        for (const e of events) seen.push(`${e.type} ${e.key.split("/").pop()} ${e.revision}`);
      },
      bookmark: () => undefined,
      ended: () => undefined,
    }),
  ).toBe(true);
  for (let i = 0; i < 5; i++) {
    const created = (await (await call("POST", configmaps, cm(`a${i}`))).json()) as {
      metadata: { resourceVersion: string };
    };
    // Nothing awaited between the response and this check.
    expect(seen.at(-1)).toBe(`put a${i} ${created.metadata.resourceVersion}`);
  }
  const updated = (await (await call("PUT", `${configmaps}/a0`, cm("a0", { k: "v" }))).json()) as {
    metadata: { resourceVersion: string };
  };
  expect(seen.at(-1)).toBe(`put a0 ${updated.metadata.resourceVersion}`);
  await call("DELETE", `${configmaps}/a1`);
  expect(seen.at(-1)?.startsWith("delete a1 ")).toBe(true);
  // Concurrent writers: each one's event is there when its own response is.
  await Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      await call("POST", configmaps, cm(`c${i}`));
      expect(seen.some((s) => s.startsWith(`put c${i} `))).toBe(true);
    }),
  );
});

/**
 * A WATCH response whose reader records every line as it arrives. The check after a write
 * yields TICKS microtasks only (no macrotask): enough for the reader to take a line that was
 * already in the stream, never enough for one a later tick (setImmediate, I/O) would write.
 */
const TICKS = 50;

async function openWatch(cached: boolean) {
  watchFromCache.enabled = cached;
  const abort = new AbortController();
  aborts.push(abort);
  const res = await api.handler(new Request(`http://x${configmaps}?watch=true`, { signal: abort.signal }));
  watchFromCache.enabled = true;
  expect(res.status).toBe(200);
  const names: string[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line)
          names.push((JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name);
      }
    }
  })();
  return names;
}

for (const cached of [true, false])
  test(`a ${cached ? "cache" : "store"}-fed WATCH has a create's line by the time its response is back`, async () => {
    await call("POST", configmaps, cm("warm"));
    const names = await openWatch(cached);
    // The store's watch from now starts when its stream is first read: wait for the warm-up line.
    await call("POST", configmaps, cm("first"));
    for (let i = 0; i < 100 && !names.includes("first"); i++) await Bun.sleep(10);
    expect(names).toContain("first");
    for (let i = 0; i < 5; i++) {
      await call("POST", configmaps, cm(`w${i}`));
      for (let t = 0; t < TICKS; t++) await Promise.resolve();
      expect(names.at(-1)).toBe(`w${i}`);
    }
  });
