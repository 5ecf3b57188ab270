// Lists from the watch cache against lists from the store itself: the same answers (items,
// resourceVersion, continue tokens, remainingItemCount) for every shape of list, while writes run.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { matches, parseSelector } from "../../../lib/labels/selector.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { listCache } from "./list-from-cache.ts";
import type { Stored } from "./object.ts";
import { type ListOptions, type ListResult, Store } from "./store.ts";
import { memberNeedle, storedPrefilter } from "./stored-prefilter.ts";
import { watchCacheFor } from "./watch-cache.ts";

let dir: string;
let kv: SqliteKV;
let store: Store;
const pods = RESOURCES.find((r) => r.group === "" && r.plural === "pods");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-watch-cache-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  if (!pods) throw new Error("no pods resource");
  store = new Store(kv, pods);
  listCache.enabled = true;
});

afterEach(async () => {
  listCache.enabled = true;
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
});

function pod(ns: string, name: string, node: string, app: string): Stored {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels: { app } },
    spec: { nodeName: node, containers: [{ name: "c", image: "i" }] },
  } as Stored;
}

/** The same list with the cache and without it; both answers must be identical. */
async function both(options: ListOptions): Promise<{ cached: ListResult; direct: ListResult }> {
  listCache.enabled = true;
  const cached = await store.list(options);
  listCache.enabled = false;
  const direct = await store.list(options);
  listCache.enabled = true;
  return { cached, direct };
}

function selector(text: string): Pick<ListOptions, "filter" | "filtered" | "prefilter"> {
  const s = parseSelector(text);
  const prefilter = storedPrefilter(
    s.filter((r) => r.operator === "=").map((r) => r.values.map((v) => memberNeedle(r.key, v))),
  );
  return {
    filter: (o) => matches(s, o.metadata.labels ?? undefined),
    filtered: true,
    ...(prefilter ? { prefilter } : {}),
  };
}

function byNode(node: string): Pick<ListOptions, "filter" | "filtered" | "prefilter" | "index"> {
  const spec = (o: Stored): { nodeName?: string } => (o.spec ?? {}) as { nodeName?: string };
  return {
    filter: (o) => spec(o).nodeName === node,
    filtered: true,
    prefilter: storedPrefilter([[memberNeedle("nodeName", node)]]),
    index: { member: "nodeName", value: node },
  };
}

test("cached lists equal the store's: whole, per namespace, paged, filtered, bytes, while writing", async () => {
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const names: string[] = [];
  let between = 0;
  for (let round = 0; round < 6; round++) {
    // A burst of creates, updates and deletes in three namespaces.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const ns = `ns${rand(3)}`;
      const op = rand(4);
      if (op < 2 || names.length === 0) {
        const name = `p${round}-${i}-${rand(1000)}`;
        names.push(`${ns}/${name}`);
        writes.push(store.create(ns, name, pod(ns, name, `node${rand(5)}`, `a${rand(3)}`)).catch(() => 0));
      } else {
        const [pns, pname] = (names[rand(names.length)] as string).split("/") as [string, string];
        writes.push(
          store
            .update(pns, pname, (cur) =>
              op === 2 && cur ? { ...cur, spec: { nodeName: `node${rand(5)}` } } : undefined,
            )
            .catch(() => 0),
        );
      }
    }
    await Promise.all(writes);
    for (const namespace of ["", "ns0", "ns2"]) {
      const whole = await both({ namespace });
      expect(whole.cached).toEqual(whole.direct);
      const rv0 = await both({ namespace, resourceVersion: "0" });
      expect(rv0.cached).toEqual(rv0.direct);
      const filtered = await both({ namespace, ...selector("app=a1") });
      expect(filtered.cached).toEqual(filtered.direct);
      const raw = await both({ namespace, bytes: true, ...selector("app in (a0,a2)") });
      expect(raw.cached.bytes?.map((p) => Buffer.concat(p).toString())).toEqual(
        raw.direct.bytes?.map((p) => Buffer.concat(p).toString()),
      );
      // Page through with a limit; every page (and its continue token) the same.
      for (const node of ["node1", "node3", "nonode"]) {
        const indexed = await both({ namespace, ...byNode(node) });
        expect(indexed.cached).toEqual(indexed.direct);
      }
      for (const extra of [{}, selector("app=a0"), byNode("node2")]) {
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await both({ namespace, limit: 7, ...extra, ...(token ? { continue: token } : {}) });
          expect(page.cached).toEqual(page.direct);
          token = page.cached.continue;
          // A write between pages: the next page is still at the first page's revision.
          if (pages === 0) await store.create("ns1", `between-${between++}`, pod("ns1", "x", "n", "a0"));
          pages++;
        } while (token);
        expect(pages).toBeGreaterThan(0);
      }
    }
  }
  expect(watchCacheFor(kv, "/registry/pods/").size).toBe((await store.list({ namespace: "" })).items.length);
});

test("a consistent list sees a write made just before it, written to another prefix too", async () => {
  await store.list({ namespace: "" }); // the cache exists and is current
  const other = new Store(kv, RESOURCES.find((r) => r.plural === "configmaps") ?? (pods as never));
  await other.create("ns", "cm", { metadata: { name: "cm", namespace: "ns" } });
  await store.create("ns", "p", pod("ns", "p", "n1", "a"));
  const after = await store.list({ namespace: "" });
  expect(after.items.map((p) => p.metadata.name)).toEqual(["p"]);
  expect(Number(after.resourceVersion)).toBe((await kv.status()).revision);
  // Served from memory: the store is asked for its revision (one key), never for the range.
  const ranges: string[] = [];
  const range = kv.range.bind(kv);
  kv.range = (r, o) => {
    ranges.push(`${new TextDecoder().decode(r.key)}${r.end ? "..." : ""}`);
    return range(r, o);
  };
  expect((await store.list({ namespace: "", limit: 1 })).items.length).toBe(1);
  expect(ranges).toEqual(["/registry/pods/"]);
  await other.create("ns", "cm2", { metadata: { name: "cm2", namespace: "ns" } });
  // Only another prefix moved: the list still reports the store's revision (a progress event).
  expect(Number((await store.list({ namespace: "" })).resourceVersion)).toBe((await kv.status()).revision);
});

test("an exact resourceVersion and an old continue token are read from the store", async () => {
  await store.create("ns", "a", pod("ns", "a", "n1", "x"));
  await store.create("ns", "c", pod("ns", "c", "n1", "x"));
  const first = await store.list({ namespace: "", limit: 1 });
  expect(first.continue).toBeDefined();
  await store.create("ns", "b", pod("ns", "b", "n1", "x"));
  await store.update("ns", "c", () => undefined);
  const exact = await store.list({
    namespace: "",
    resourceVersion: first.resourceVersion,
    resourceVersionMatch: "Exact",
  });
  expect(exact.items.map((p) => p.metadata.name)).toEqual(["a", "c"]);
  // The next page is at the first page's revision: c still there, b not yet.
  const second = await store.list({ namespace: "", limit: 5, continue: first.continue as string });
  expect(second.items.map((p) => p.metadata.name)).toEqual(["c"]);
  expect(second.resourceVersion).toBe(first.resourceVersion);
});

test("the cache is dropped when its watch ends, and a new one built on the next list", async () => {
  await store.create("ns", "a", pod("ns", "a", "n1", "x"));
  await store.list({ namespace: "" });
  const cache = watchCacheFor(kv, "/registry/pods/");
  expect(cache.live).toBe(true);
  await kv.compact((await kv.status()).revision);
  await store.create("ns", "b", pod("ns", "b", "n1", "x"));
  expect((await store.list({ namespace: "" })).items.map((p) => p.metadata.name)).toEqual(["a", "b"]);
});

test("the prefilter never rejects what the predicate accepts", () => {
  const check = storedPrefilter([
    [memberNeedle("app", "web")],
    [memberNeedle("nodeName", "n1"), memberNeedle("nodeName", "n2")],
  ]);
  if (!check) throw new Error("no prefilter");
  const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
  expect(check(enc({ metadata: { labels: { app: "web" } }, spec: { nodeName: "n2" } }))).toBe(true);
  expect(check(enc({ metadata: { labels: { app: "web2" } }, spec: { nodeName: "n2" } }))).toBe(false);
  expect(check(enc({ metadata: { labels: { app: "web" } }, spec: { nodeName: "n3" } }))).toBe(false);
  // Escapes are written as JSON.stringify writes them.
  const quoted = storedPrefilter([[memberNeedle("k", 'a"b')]]);
  expect(quoted?.(enc({ metadata: { labels: { k: 'a"b' } } }))).toBe(true);
  // Another writer's layout: always parsed.
  expect(check(new TextEncoder().encode('{ "metadata": {} }'))).toBe(true);
  expect(check(new Uint8Array())).toBe(true);
  expect(storedPrefilter([])).toBeUndefined();
});
