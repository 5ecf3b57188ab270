// asCachedKeyValues: items the store read are swapped for the watch cache's own objects when the
// cache holds them at the same revision, so memos keyed by those objects serve store-read pages.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { bytes, prefixEnd } from "../../../storage/keys.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { asCachedKeyValues, listCache } from "./list-from-cache.ts";
import type { Stored } from "./object.ts";
import { Store } from "./store.ts";

let dir: string;
let kv: SqliteKV;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-list-from-cache-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  const pods = RESOURCES.find((r) => r.group === "" && r.plural === "pods");
  if (!pods) throw new Error("no pods resource");
  store = new Store(kv, pods);
});

afterEach(async () => {
  listCache.enabled = true;
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
});

const pod = (name: string, image: string): Stored =>
  ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "ns" },
    spec: { containers: [{ name: "c", image }] },
  }) as Stored;

test("store-read items become the cache's objects at the same revision, changed ones stay", async () => {
  for (const name of ["a", "b", "c"]) await store.create("ns", name, pod(name, "one"));
  const prefix = `${store.prefix}/`;
  const cached = (await store.list({ namespace: "ns", kvs: true })).kvs ?? [];
  expect(cached.length).toBe(3);
  // Answered from the cache: the same objects come back untouched.
  expect(asCachedKeyValues(kv, prefix, cached)).toBe(cached);
  // An older read from the store, with "b" changed since.
  const old = (await kv.range({ key: bytes(prefix), end: prefixEnd(bytes(prefix)) })).kvs;
  await store.update("ns", "b", () => pod("b", "two"));
  await store.list({ namespace: "ns", kvs: true }); // the cache has seen the write
  const swapped = asCachedKeyValues(kv, prefix, old);
  expect(swapped[0]).toBe(cached[0] as (typeof swapped)[0]);
  expect(swapped[1]).toBe(old[1] as (typeof swapped)[1]);
  expect(swapped[2]).toBe(cached[2] as (typeof swapped)[2]);
  listCache.enabled = false;
  expect(asCachedKeyValues(kv, prefix, old)).toBe(old);
});
