// WATCH served by the watch cache against the same watch served by the store (the reference):
// from a revision in the cache's window, from now (unset) and from "0", per namespace and across
// namespaces, with label and field selectors and their transitions, by name, as Tables; pods of
// one node through the nodeName index; the cache's answer only when it can give the store's.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { watchFromCache } from "../registry/cached-watch.ts";
import { listCache } from "../registry/list-from-cache.ts";
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
  listCache.enabled = true;
  try {
    for (const a of aborts.splice(0)) a.abort();
    await api.stop();
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

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

interface Event {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string }; rows?: unknown[] };
}

/** Opens a watch (with the cache on or off); `until(name)` reads events up to one naming `name`. */
async function open(path: string, cached: boolean, accept = "application/json") {
  watchFromCache.enabled = cached;
  const abort = new AbortController();
  aborts.push(abort);
  const res = await api.handler(
    new Request(`http://x${path}`, { signal: abort.signal, headers: { Accept: accept } }),
  );
  watchFromCache.enabled = true;
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = "";
  return async (name: string): Promise<Event[]> => {
    const out: Event[] = [];
    for (;;) {
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const ev = JSON.parse(line) as Event;
        out.push(ev);
        const rowName = (ev.object.rows?.[0] as { object?: Event["object"] } | undefined)?.object?.metadata
          ?.name;
        if ((ev.object.metadata?.name ?? rowName) === name) return out;
        continue;
      }
      const { value, done } = await reader.read();
      if (done && name === "") return out;
      if (done) throw new Error(`watch ${path} ended after ${JSON.stringify(out)}`);
      buf += decoder.decode(value, { stream: true });
    }
  };
}

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data,
});

const summary = (e: Event) => {
  const row = e.object.rows?.[0] as { object?: Event["object"] } | undefined;
  const meta = e.object.metadata?.name ? e.object.metadata : row?.object?.metadata;
  return `${e.type} ${meta?.name} ${meta?.resourceVersion}`;
};

/** A Table's AGE is relative to when the event was encoded; from now, its columns came with "early". */
const normalized = (events: Event[], fromNow: boolean) =>
  JSON.stringify(events, (k, v) => (fromNow && k === "columnDefinitions" ? undefined : v)).replace(
    /"\d+s"/g,
    '"age"',
  );

const configmaps = (ns: string) => (ns ? `/api/v1/namespaces/${ns}/configmaps` : "/api/v1/configmaps");

test("the cache's watches give the store's events: revisions, now, 0, namespaces, selectors, names, Tables", async () => {
  await call("POST", "/api/v1/namespaces", { metadata: { name: "other" } });
  const early = (
    (await (await call("POST", configmaps("default"), cm("early", { app: "web" }))).json()) as Event["object"]
  ).metadata?.resourceVersion;
  const list = (await (await call("GET", configmaps(""))).json()) as {
    metadata: { resourceVersion: string };
  };
  const rv = list.metadata.resourceVersion;
  const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  const queries: { path: string; accept?: string }[] = [];
  for (const ns of ["default", ""])
    for (const from of [`resourceVersion=${rv}`, "", "resourceVersion=0"])
      for (const sel of ["", "&labelSelector=app%3Dweb", "&fieldSelector=metadata.name%21%3Db"])
        queries.push({ path: `${configmaps(ns)}?watch=true&${from}${sel}` });
  queries.push({ path: `${configmaps("default")}?watch=true&resourceVersion=${rv}`, accept: TABLE });
  queries.push({ path: `${configmaps("default")}?watch=true`, accept: TABLE });
  // The store's watch from now starts only when its stream is first read, so the reference for
  // unset and "0" is the store's watch from `rv` after the one object there was at `rv`.
  const opened = [];
  for (const q of queries) {
    const fromNow = !q.path.includes(`resourceVersion=${rv}`);
    const reference = fromNow
      ? q.path.replace(/watch=true(&resourceVersion=0)?/, `watch=true&resourceVersion=${rv}`)
      : q.path;
    opened.push({
      q,
      fromNow,
      cache: await open(q.path, true, q.accept),
      store: await open(reference, false, q.accept),
    });
  }
  expect(watchCacheFor(kv, "/registry/configmaps/").watchers).toBe(queries.length);

  await call("POST", configmaps("default"), cm("a", { app: "web" }));
  await call("POST", configmaps("default"), cm("b", { app: "db" }));
  await call("PUT", `${configmaps("default")}/a`, cm("a", { app: "web" }, { k: "v" }));
  await call("PUT", `${configmaps("default")}/b`, cm("b", { app: "web" }));
  await call("PUT", `${configmaps("default")}/a`, cm("a", { app: "db" }));
  await call("DELETE", `${configmaps("default")}/b`);
  await call("DELETE", `${configmaps("default")}/a`);
  await call("POST", configmaps("other"), cm("c", { app: "web" }));
  await call("POST", configmaps("default"), cm("zz-end", { app: "web" }));

  for (const { q, fromNow, cache, store } of opened) {
    const want = await store("zz-end");
    const got = await cache("zz-end");
    if (fromNow) expect(summary(got.shift() as Event)).toBe(`ADDED early ${early}`);
    expect({ q, events: got.map(summary) }).toEqual({ q, events: want.map(summary) });
    expect(normalized(got, fromNow)).toBe(normalized(want, fromNow));
  }
  // Opened after the writes, from the old revision: replayed from the cache's window.
  for (const q of queries.filter((x) => x.path.includes(`resourceVersion=${rv}`))) {
    const fromWindow = await (await open(q.path, true, q.accept))("zz-end");
    const want = await (await open(q.path, false, q.accept))("zz-end");
    expect({ q, events: fromWindow.map(summary) }).toEqual({ q, events: want.map(summary) });
    expect(normalized(fromWindow, false)).toBe(normalized(want, false));
  }
  // One object by name.
  const byName = `${configmaps("default")}/zz-end?watch=true&resourceVersion=${rv}`;
  expect(await (await open(byName, true))("zz-end")).toEqual(await (await open(byName, false))("zz-end"));
});

test("a revision from before the cache started, and a compacted one, are the store's answers", async () => {
  await call("POST", configmaps("default"), cm("old"));
  const first = (await (await call("GET", `${configmaps("default")}/old`)).json()) as Event["object"];
  // The cache starts now, after "old" was written.
  await call("POST", configmaps("default"), cm("newer"));
  await call("GET", configmaps("default"));
  const before = Number(first.metadata?.resourceVersion) - 1;
  const events = await (await open(`${configmaps("default")}?watch=true&resourceVersion=${before}`, true))(
    "newer",
  );
  expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(["ADDED old", "ADDED newer"]);
  await kv.compact(Number(first.metadata?.resourceVersion) + 1);
  const gone = await open(`${configmaps("default")}?watch=true&resourceVersion=${before}`, true);
  expect(await gone("")).toEqual([
    { type: "ERROR", object: expect.objectContaining({ code: 410, reason: "Expired" }) as Event["object"] },
  ]);
});

test("pods of one node through the nodeName index: binding brings a pod in, deletion takes it out", async () => {
  const pods = "/api/v1/namespaces/default/pods";
  const pod = (name: string, nodeName?: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", image: "busybox" }] },
  });
  await call("POST", pods, pod("on-n1", "n1"));
  const list = (await (await call("GET", pods)).json()) as { metadata: { resourceVersion: string } };
  const opened = [];
  for (const path of ["/api/v1/pods", pods]) {
    const query = `${path}?watch=true&fieldSelector=spec.nodeName%3Dn1`;
    const fromRv = `${query}&resourceVersion=${list.metadata.resourceVersion}`;
    opened.push({
      fromNow: await open(query, true),
      cache: await open(fromRv, true),
      store: await open(fromRv, false),
    });
  }
  await call("POST", pods, pod("pending"));
  await call("POST", pods, pod("on-n2", "n2"));
  await call("POST", `${pods}/pending/binding`, {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name: "pending" },
    target: { kind: "Node", name: "n1" },
  });
  await call("DELETE", `${pods}/on-n1?gracePeriodSeconds=0`);
  await call("POST", pods, pod("zz-end", "n1"));
  for (const { fromNow, cache, store } of opened) {
    const got = await cache("zz-end");
    expect(got.map(summary)).toEqual([
      expect.stringMatching(/^ADDED pending /),
      expect.stringMatching(/^DELETED on-n1 /),
      expect.stringMatching(/^ADDED zz-end /),
    ]);
    expect(got).toEqual(await store("zz-end"));
    expect(await fromNow("zz-end")).toEqual([
      expect.objectContaining({
        type: "ADDED",
        object: expect.objectContaining({ spec: expect.objectContaining({ nodeName: "n1" }) }),
      }),
      ...got,
    ]);
  }
});

test("a metadata.name field selector watches and lists one object (a kubelet's Node informer), as the store does", async () => {
  await call("POST", "/api/v1/namespaces", { metadata: { name: "other" } });
  const nodes = "/api/v1/nodes";
  const node = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels },
  });
  const rv = ((await (await call("GET", nodes)).json()) as { metadata: { resourceVersion: string } }).metadata
    .resourceVersion;
  const n1 = "fieldSelector=metadata.name%3Dn1";
  const b = "fieldSelector=metadata.name%3Db";
  const watches = [
    { path: `${nodes}?watch=true&resourceVersion=${rv}&${n1}`, name: "n1", times: 2 },
    { path: `${configmaps("default")}?watch=true&resourceVersion=${rv}&${b}`, name: "b", times: 2 },
    // Across namespaces a name is no one key: the cache watches the range.
    { path: `${configmaps("")}?watch=true&resourceVersion=${rv}&${b}`, name: "b", times: 3 },
  ];
  const opened = [];
  for (const w of watches)
    opened.push({ w, cache: await open(w.path, true), store: await open(w.path, false) });
  const fromNow = await open(`${nodes}?watch=true&${n1}`, true);

  await call("POST", nodes, node("n1"));
  await call("POST", nodes, node("n2"));
  await call("POST", nodes, node("n10"));
  await call("POST", configmaps("default"), cm("b"));
  await call("POST", configmaps("other"), cm("b"));
  await call("POST", configmaps("default"), cm("c"));
  await call("PUT", `${nodes}/n2`, node("n2", { x: "1" }));
  await call("PUT", `${nodes}/n10`, node("n10", { x: "1" }));
  await call("PUT", `${nodes}/n1`, node("n1", { x: "1" }));
  await call("PUT", `${configmaps("default")}/b`, cm("b", { x: "1" }));

  for (const { w, cache, store } of opened) {
    const got: Event[] = [];
    const want: Event[] = [];
    for (let i = 0; i < w.times; i++) {
      got.push(...(await cache(w.name)));
      want.push(...(await store(w.name)));
    }
    expect({ w: w.path, events: got.map(summary) }).toEqual({ w: w.path, events: want.map(summary) });
    expect(got.every((e) => e.object.metadata?.name === w.name)).toBe(true);
  }
  expect((await fromNow("n1")).map((e) => e.type)).toEqual(["ADDED"]);
  expect((await fromNow("n1")).map((e) => e.type)).toEqual(["MODIFIED"]);

  const names = async (path: string) =>
    ((await (await call("GET", path)).json()) as { items: Event["object"][] }).items.map(
      (o) => `${(o.metadata as { namespace?: string }).namespace ?? ""}/${o.metadata?.name}`,
    );
  for (const cached of [true, false]) {
    listCache.enabled = cached;
    expect(await names(`${nodes}?${n1}`)).toEqual(["/n1"]);
    expect(await names(`${nodes}?${n1}&resourceVersion=0`)).toEqual(["/n1"]);
    expect(await names(`${nodes}?${n1},metadata.name%3Dn2`)).toEqual([]);
    expect(await names(`${nodes}?fieldSelector=metadata.name%3Dnone`)).toEqual([]);
    expect(await names(`${configmaps("default")}?${b}`)).toEqual(["default/b"]);
    expect(await names(`${configmaps("")}?${b}`)).toEqual(["default/b", "other/b"]);
  }
});
