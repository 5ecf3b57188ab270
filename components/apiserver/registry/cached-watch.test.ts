// The watch cache's watchers at the registry level: a bookmark comes after every event up to its
// revision, closing a watch removes it, and a cache whose watch fails ends its watchers.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import type { CacheEvent } from "./cache-event.ts";
import { type CachedWatchSink, cachedWatch } from "./cached-watch.ts";
import { Store } from "./store.ts";
import { watchCacheFor } from "./watch-cache.ts";

let dir: string;
let kv: SqliteKV;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-cached-watch-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  const configmaps = RESOURCES.find((r) => r.group === "" && r.plural === "configmaps");
  if (!configmaps) throw new Error("no configmaps resource");
  store = new Store(kv, configmaps);
});

afterEach(async () => {
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A sink recording what it gets, with a promise per next record. */
function recorder() {
  const log: string[] = [];
  let wake: (() => void) | undefined;
  const push = (line: string) => {
    log.push(line);
    wake?.();
  };
  const sink: CachedWatchSink = {
    initial: (kvs, revision) => push(`initial ${kvs.length} @${revision}`),
    events: (events: readonly CacheEvent[]) => {
      for (const e of events) push(`${e.typeFor()} ${e.key.split("/").pop()} @${e.revision}`);
    },
    bookmark: (revision) => push(`bookmark @${revision}`),
    ended: () => push("ended"),
  };
  const until = async (pattern: RegExp) => {
    while (!log.some((l) => pattern.test(l))) await new Promise<void>((resolve) => (wake = resolve));
    return log;
  };
  return { sink, until };
}

const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns" } });

test("events in order, then a bookmark at a revision no event is missing from", async () => {
  const r = recorder();
  const watch = await cachedWatch(store, { namespace: "ns", resourceVersion: "" }, r.sink);
  if (!watch) throw new Error("the cache did not serve the watch");
  const a = await store.create("ns", "a", cm("a"));
  const b = await store.create("ns", "b", cm("b"));
  await r.until(/ADDED b/);
  watch.requestBookmark();
  const log = await r.until(/bookmark/);
  expect(log).toEqual([
    expect.stringMatching(/^initial 0 @\d+$/),
    `ADDED a @${a.metadata.resourceVersion}`,
    `ADDED b @${b.metadata.resourceVersion}`,
    expect.stringMatching(/^bookmark @\d+$/),
  ]);
  expect(Number(log[3]?.split("@")[1])).toBeGreaterThanOrEqual(Number(b.metadata.resourceVersion));
  expect(watchCacheFor(kv, "/registry/configmaps/").watchers).toBe(1);
  watch.close();
  expect(watchCacheFor(kv, "/registry/configmaps/").watchers).toBe(0);
});

test("a revision the window does not hold is not served; a failed cache ends its watchers", async () => {
  await store.create("ns", "a", cm("a"));
  const r = recorder();
  // The cache starts after "a": a watch from before it is the store's.
  expect(await cachedWatch(store, { namespace: "ns", resourceVersion: "1" }, r.sink)).toBeUndefined();
  const watch = await cachedWatch(store, { namespace: "ns", resourceVersion: "0" }, r.sink);
  expect(watch).toBeDefined();
  await kv.close();
  expect(await r.until(/ended/)).toEqual([expect.stringMatching(/^initial 1 @\d+$/), "ended"]);
});
