// WATCH over the in-process apiserver: plain JSON events carry the stored text (resourceVersion,
// apiVersion and kind included), selector transitions become ADDED and DELETED, and two
// watchers of the same objects see the same events.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
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
  try {
    for (const a of aborts.splice(0)) a.abort();
    await api.stop();
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function call(method: string, path: string, body?: object): Promise<Response> {
  return api.handler(
    new Request(`http://x${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

interface Event {
  type: string;
  object: { apiVersion: string; kind: string; metadata: { name: string; resourceVersion: string } };
}

/** Opens a watch; next(n) resolves with the next n events. */
async function watch(query: string): Promise<(n: number) => Promise<Event[]>> {
  const abort = new AbortController();
  aborts.push(abort);
  const res = await api.handler(
    new Request(`http://x/api/v1/namespaces/default/configmaps?watch=true&${query}`, {
      signal: abort.signal,
    }),
  );
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = "";
  return async (n) => {
    const out: Event[] = [];
    while (out.length < n) {
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) out.push(JSON.parse(line) as Event);
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`watch ended after ${out.length} events`);
      buf += decoder.decode(value, { stream: true });
    }
    return out;
  };
}

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data,
});

test("plain and selected watches: stored text, transitions, the same events for every watcher", async () => {
  expect((await call("POST", "/api/v1/namespaces/default/configmaps", cm("before"))).status).toBe(201);
  // Without a resourceVersion the current objects come first, as ADDED.
  const [initial] = await (await watch(""))(1);
  expect(initial?.type).toBe("ADDED");
  expect(initial?.object.metadata.name).toBe("before");
  const list = (await (await call("GET", "/api/v1/namespaces/default/configmaps")).json()) as {
    metadata: { resourceVersion: string };
  };
  const from = `resourceVersion=${list.metadata.resourceVersion}`;
  const all = await watch(from);
  const again = await watch(from);
  const selected = await watch(`${from}&labelSelector=app%3Dweb`);
  const byName = await watch(`${from}&fieldSelector=metadata.name%3Dtwo`);

  const created = (await (
    await call("POST", "/api/v1/namespaces/default/configmaps", cm("one", { app: "web" }))
  ).json()) as Event["object"];
  await call("POST", "/api/v1/namespaces/default/configmaps", cm("two"));
  await call("PUT", "/api/v1/namespaces/default/configmaps/one", cm("one", { app: "db" }, { a: "b" }));
  await call("PUT", "/api/v1/namespaces/default/configmaps/two", cm("two", { app: "web" }));
  await call("DELETE", "/api/v1/namespaces/default/configmaps/two");

  const events = await all(5);
  expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
    "ADDED one",
    "ADDED two",
    "MODIFIED one",
    "MODIFIED two",
    "DELETED two",
  ]);
  expect(events[0]?.object).toEqual(created);
  expect(events[0]?.object.apiVersion).toBe("v1");
  expect(events[0]?.object.kind).toBe("ConfigMap");
  expect(await again(5)).toEqual(events);
  // one leaves the selection (DELETED, its new state), two enters it (ADDED) and is deleted.
  expect((await selected(4)).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
    "ADDED one",
    "DELETED one",
    "ADDED two",
    "DELETED two",
  ]);
  const two = events.filter((e) => e.object.metadata.name === "two");
  expect(await byName(3)).toEqual(two);
});

test("an in-process watch whose request was aborted before it arrived ends at once", async () => {
  const gone = new AbortController();
  gone.abort();
  const response = await api.handler(
    new Request("http://x/api/v1/namespaces/default/configmaps?watch=true", { signal: gone.signal }),
  );
  // The stream closes (after the opening newline) instead of waiting for events forever.
  expect((await response.text()).trim()).toBe("");
});

test("timeoutSeconds ends the watch cleanly; the client's ?timeout= (kubectl --request-timeout) does not", async () => {
  const open = async (query: string) => {
    const abort = new AbortController();
    aborts.push(abort);
    const res = await api.handler(
      new Request(`http://x/api/v1/namespaces/default/configmaps?watch=true&${query}`, {
        signal: abort.signal,
      }),
    );
    return res.text();
  };
  const started = Date.now();
  expect((await open("timeoutSeconds=1")).trim()).toBe("");
  const took = Date.now() - started;
  expect(took).toBeGreaterThanOrEqual(900);
  expect(took).toBeLessThan(5000);
  const outcome = await Promise.race([
    open("timeout=1s").then(() => "ended"),
    Bun.sleep(1800).then(() => "still open"),
  ]);
  expect(outcome).toBe("still open");
});
