// Store.update's first try on the watch cache's copy (upstream cachedExistingObject): a copy
// behind the store never decides an answer: a stale copy's conflict, error or "no change" is
// tried again on a storage read, and a pinned update gets no 409 for the cache's lag.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { KeyRange, KV, Watch, WatchBatch, WatchOptions } from "../../../storage/kv.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import type { Stored } from "./object.ts";
import { Store } from "./store.ts";
import { watchCacheFor } from "./watch-cache.ts";

let dir: string;
let inner: SqliteKV;
let held: { release: () => void } | undefined;
let kv: KV;
let store: Store;
let reads: number;

/** A watch whose batches wait while `hold` is on. */
function holdable(watch: Watch, hold: () => Promise<void> | undefined): Watch {
  return {
    requestProgress: () => watch.requestProgress(),
    close: () => watch.close(),
    async *[Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
      for await (const batch of watch) {
        await hold();
        yield batch;
      }
    },
  };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-store-cached-"));
  inner = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  let gate: Promise<void> | undefined;
  reads = 0;
  kv = Object.create(inner) as KV;
  kv.range = (range, options) => {
    reads++;
    return inner.range(range, options);
  };
  kv.watch = (range: KeyRange, options?: WatchOptions) => holdable(inner.watch(range, options), () => gate);
  held = {
    release: () => {
      gate = undefined;
    },
  };
  const hold = (): void => {
    let release = (): void => {};
    gate = new Promise((r) => {
      release = r;
    });
    held = {
      release: () => {
        gate = undefined;
        release();
      },
    };
  };
  const configmaps = RESOURCES.find((r) => r.group === "" && r.plural === "configmaps");
  if (!configmaps) throw new Error("no configmaps resource");
  store = new Store(kv, configmaps);
  holdCache = hold;
});

let holdCache: () => void = () => {};

afterEach(async () => {
  held?.release();
  await inner.close();
  rmSync(dir, { recursive: true, force: true });
});

const cm = (data: Record<string, string>): Stored => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "a", namespace: "ns" },
  data,
});

async function cacheAt(revision: number): Promise<void> {
  const cache = watchCacheFor(kv, `${store.prefix}/`);
  expect(await cache.syncTo(revision)).toBe(true);
}

test("an update on a current cached copy reads nothing from storage", async () => {
  const created = await store.create("ns", "a", cm({ k: "1" }));
  await cacheAt(Number(created.metadata.resourceVersion));
  reads = 0;
  const { obj } = await store.update("ns", "a", (cur) => ({ ...(cur as Stored), data: { k: "2" } }));
  expect(reads).toBe(0);
  expect(obj.data).toEqual({ k: "2" });
  expect((await store.get("ns", "a")).data).toEqual({ k: "2" });
});

test("a stale cached copy: the guard fails and the update is made on the store's object", async () => {
  const created = await store.create("ns", "a", cm({ k: "1" }));
  await cacheAt(Number(created.metadata.resourceVersion));
  holdCache();
  await store.update("ns", "a", (cur) => ({
    ...(cur as Stored),
    data: { ...(cur?.data as object), k: "2" },
  }));
  const seen: unknown[] = [];
  const { obj } = await store.update("ns", "a", (cur) => {
    seen.push(cur?.data);
    return { ...(cur as Stored), data: { ...(cur?.data as object), j: "x" } };
  });
  // Tried on the cache's old copy ({k:1}), then on the store's ({k:2}).
  expect(seen).toEqual([{ k: "1" }, { k: "2" }]);
  expect(obj.data).toEqual({ k: "2", j: "x" });
});

test("a pinned update gets no 409 from the cache's lag", async () => {
  const created = await store.create("ns", "a", cm({ k: "1" }));
  await cacheAt(Number(created.metadata.resourceVersion));
  holdCache();
  const second = await store.update("ns", "a", (cur) => ({ ...(cur as Stored), data: { k: "2" } }));
  const rv = second.obj.metadata.resourceVersion;
  const { obj } = await store.update(
    "ns",
    "a",
    (cur) => {
      if (cur?.metadata.resourceVersion !== rv) throw StatusError.modified(store.qualified, "a");
      return { ...cur, data: { k: "3" } };
    },
    { pinned: true },
  );
  expect(obj.data).toEqual({ k: "3" });
});

test("a real race on a pinned update is still a 409", async () => {
  const created = await store.create("ns", "a", cm({ k: "1" }));
  await cacheAt(Number(created.metadata.resourceVersion));
  holdCache();
  let calls = 0;
  const err = await store
    .update(
      "ns",
      "a",
      async (cur) => {
        calls++;
        // Another writer lands between every read and its guarded write.
        await inner.put(
          store.key("ns", "a"),
          new TextEncoder().encode(JSON.stringify(cm({ k: `w${calls}` }))),
        );
        return { ...(cur as Stored), data: { k: "3" } };
      },
      { pinned: true },
    )
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StatusError);
  expect((err as StatusError).status.code).toBe(409);
  // Once on the cached copy, once on the store's read, which the race then defeats.
  expect(calls).toBe(2);
  expect((await store.get("ns", "a")).data).toEqual({ k: "w2" });
});

test("a stale copy's error and 'no change' are asked of the store again", async () => {
  const created = await store.create("ns", "a", cm({ k: "1" }));
  await cacheAt(Number(created.metadata.resourceVersion));
  holdCache();
  await store.update("ns", "a", (cur) => ({ ...(cur as Stored), data: { k: "2" } }));
  // The cache still says k=1: a mutate that refuses k=1 must not fail on it.
  const { obj } = await store.update("ns", "a", (cur) => {
    if ((cur?.data as { k?: string } | undefined)?.k === "1") throw StatusError.badRequest("stale");
    return { ...(cur as Stored), data: { k: "3" } };
  });
  expect(obj.data).toEqual({ k: "3" });
  // "No change" judged on a stale copy (k=1 -> k=1) would answer the old object: the store's is k=3.
  const same = await store.update("ns", "a", (cur) =>
    (cur?.data as { k?: string } | undefined)?.k === "1" ? cur : { ...(cur as Stored), data: { k: "4" } },
  );
  expect(same.obj.data).toEqual({ k: "4" });
  expect((await store.get("ns", "a")).data).toEqual({ k: "4" });
});

test("an error on a current cached copy is answered after one read, mutate called once", async () => {
  const created = await store.create("ns", "a", cm({ k: "1" }));
  await cacheAt(Number(created.metadata.resourceVersion));
  reads = 0;
  let calls = 0;
  const err = await store
    .update("ns", "a", () => {
      calls++;
      throw StatusError.badRequest("no");
    })
    .catch((e: unknown) => e);
  expect((err as StatusError).status.code).toBe(400);
  expect(calls).toBe(1);
  expect(reads).toBe(1);
});

test("lookup reads the watch cache's copy, and the store for what the cache has not seen", async () => {
  const created = await store.create("ns", "a", cm({ k: "1" }));
  expect((await store.lookup("ns", "a"))?.obj.data).toEqual({ k: "1" }); // starts the cache
  await cacheAt(Number(created.metadata.resourceVersion));
  reads = 0;
  const hit = await store.lookup("ns", "a");
  expect([hit?.obj.data, hit?.obj.metadata.resourceVersion, reads]).toEqual([
    { k: "1" },
    created.metadata.resourceVersion,
    0,
  ]);
  holdCache();
  await store.create("ns", "b", { ...cm({ k: "b" }), metadata: { name: "b", namespace: "ns" } });
  expect((await store.lookup("ns", "b"))?.obj.data).toEqual({ k: "b" });
  expect(reads).toBe(1);
  expect(await store.lookup("ns", "none")).toBeUndefined();
});

test("lookup shares one frozen parse per cached version; a new version is parsed again", async () => {
  const created = await store.create("ns", "a", cm({ k: "1" }));
  await store.lookup("ns", "a");
  await cacheAt(Number(created.metadata.resourceVersion));
  const one = await store.lookup("ns", "a");
  expect((await store.lookup("ns", "a"))?.obj).toBe(one?.obj as Stored);
  expect(Object.isFrozen(one?.obj.data)).toBe(true);
  expect(() => {
    (one?.obj.data as Record<string, string>).k = "changed";
  }).toThrow();
  const next = await store.update("ns", "a", (cur) => ({ ...(cur as Stored), data: { k: "2" } }));
  await cacheAt(Number(next.obj.metadata.resourceVersion));
  expect((await store.lookup("ns", "a"))?.obj.data).toEqual({ k: "2" });
});
