// Table lists joined from cached rows are byte for byte what toTable prints over the stored objects
// at that instant: as time passes (ages in seconds, minutes, hours, days), after writes, for every
// includeObject and Table version, paged and filtered, in process and streamed over a socket.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { toTable } from "../printers/to-table.ts";
import { Store } from "../registry/store.ts";
import { type Apiserver, startApiserver } from "../server.ts";

const PODS = 300;
const T0 = Date.parse("2026-03-01T10:00:00Z");
let clock = T0;
let dir: string;
let kv: SqliteKV;
let api: Apiserver;
const podsResource = RESOURCES.find((r) => r.group === "" && r.plural === "pods");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-table-list-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  api = await startApiserver({
    kv,
    bindAddress: "127.0.0.1",
    port: 0,
    compactionIntervalMs: 0,
    now: () => new Date(clock),
  });
  for (const name of ["a", "b"])
    await call("/api/v1/namespaces", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } }),
    });
  for (let i = 0; i < PODS; i += 50)
    await Promise.all(Array.from({ length: Math.min(50, PODS - i) }, (_, k) => createPod(i + k)));
}, 120_000);

afterAll(async () => {
  try {
    await api?.stop();
    await kv?.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await api.handler(new Request(`http://x${path}`, init));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res;
}

async function createPod(i: number): Promise<void> {
  clock = T0 + i * 1000;
  // One label holds the cached rows' placeholder character: that row must still print right.
  const labels: Record<string, string> = { app: i % 2 ? "odd" : "even" };
  const annotations =
    i === 7 ? { note: "\u0001123\u0002" } : i === 11 ? { note: "\\u0001123\\u0002" } : undefined;
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `p${String(i).padStart(4, "0")}`, namespace: i % 3 ? "a" : "b", labels, annotations },
    spec: { containers: [{ name: "c", image: "img" }] },
  };
  await call(`/api/v1/namespaces/${pod.metadata.namespace}/pods`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(pod),
  });
  if (i % 4 === 0) await setStatus(pod.metadata.namespace, pod.metadata.name, i);
}

/** Running with restarts (the last one some seconds ago), or Succeeded (row conditions). */
async function setStatus(ns: string, name: string, i: number): Promise<void> {
  const path = `/api/v1/namespaces/${ns}/pods/${name}`;
  const pod = (await (await call(path)).json()) as Record<string, unknown>;
  const finishedAt = new Date(clock - 30_000 - i * 10).toISOString().replace(/\.\d+Z$/, "Z");
  pod.status =
    i % 8 === 0
      ? { phase: "Succeeded" }
      : {
          phase: "Running",
          podIP: `10.0.0.${i % 250}`,
          podIPs: [{ ip: `10.0.0.${i % 250}` }],
          containerStatuses: [
            {
              name: "c",
              image: "img",
              imageID: "",
              ready: true,
              restartCount: i % 5,
              state: { running: { startedAt: finishedAt } },
              lastState: { terminated: { exitCode: 1, finishedAt } },
            },
          ],
        };
  await call(`${path}/status`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(pod),
  });
}

/** What the Table must be: toTable over the store's own objects, at the clock's instant. */
async function expected(
  namespace: string,
  include: "Metadata" | "None" | "Object",
  version: "v1" | "v1beta1",
  /** The list's own (the server's writes of its own may have moved the store since). */
  listVersion?: string,
): Promise<string> {
  if (!podsResource) throw new Error("no pods resource");
  const list = await new Store(kv, podsResource).list({ namespace });
  const objects = list.items.map((o) => {
    const { apiVersion: _a, kind: _k, ...rest } = o;
    return { apiVersion: "v1", kind: "Pod", ...rest };
  });
  const table = toTable({
    apiVersion: "v1",
    kind: "Pod",
    objects,
    now: new Date(clock),
    includeObject: include,
    tableVersion: version,
    resourceVersion: listVersion ?? list.resourceVersion,
  });
  return `${JSON.stringify(table)}\n`;
}

function versionOf(table: string): string {
  return (JSON.parse(table) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}

function accept(version: "v1" | "v1beta1"): Record<string, string> {
  return { Accept: `application/json;as=Table;v=${version};g=meta.k8s.io,application/json` };
}

async function overSocket(path: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${api.url}${path}`, { headers });
  expect(res.status).toBe(200);
  return res.text();
}

test("cached rows print as toTable does, as time passes and objects change", async () => {
  const base = clock;
  // Ages in seconds, minutes and seconds, minutes, hours and minutes, hours, days.
  const offsets = [0, 45_000, 7 * 60_000, 3 * 3_600_000 + 61_000, 20 * 3_600_000, 3 * 86_400_000];
  for (const [step, offset] of offsets.entries()) {
    clock = base + offset;
    const includes =
      step === 0 || step === offsets.length - 1
        ? (["Metadata", "None", "Object"] as const)
        : ["Metadata" as const];
    for (const include of includes) {
      const version = step % 2 ? "v1beta1" : "v1";
      const path = `/api/v1/pods?includeObject=${include}`;
      const inProcess = await (await call(path, { headers: accept(version) })).text();
      expect(inProcess).toBe(await expected("", include, version, versionOf(inProcess)));
      const streamed = await overSocket(path, accept(version));
      if (include !== "None") expect(streamed.length).toBeGreaterThan(300_000); // streamed in chunks
      expect(streamed).toBe(await expected("", include, version, versionOf(streamed)));
    }
    // New revisions replace their rows.
    await setStatus("a", "p0001", 1 + step * 8);
    await setStatus("b", "p0003", 3 + step * 8);
    const changed = await (await call("/api/v1/namespaces/a/pods", { headers: accept("v1") })).text();
    expect(changed).toBe(await expected("a", "Metadata", "v1", versionOf(changed)));
  }
}, 60_000);

test("pages (the store's, after a write) and selectors join cached rows too", async () => {
  const want = JSON.parse(await expected("a", "Metadata", "v1")) as { rows: unknown[] };
  const rows: unknown[] = [];
  let next = "";
  for (let page = 0; page < 20; page++) {
    const path = `/api/v1/namespaces/a/pods?limit=37${next ? `&continue=${encodeURIComponent(next)}` : ""}`;
    const text = await overSocket(path, accept("v1"));
    const table = JSON.parse(text) as {
      rows: unknown[];
      metadata: { continue?: string; remainingItemCount?: number };
    };
    expect(text).toBe(`${JSON.stringify(table)}\n`);
    rows.push(...table.rows);
    // A write elsewhere moves the cache past the token's revision: the next pages are the store's.
    if (page === 1) await setStatus("b", "p0003", 3);
    if (!table.metadata.continue) break;
    expect(table.metadata.remainingItemCount).toBeGreaterThan(0);
    next = table.metadata.continue;
  }
  expect(rows).toEqual(want.rows);
  const odd = JSON.parse(await overSocket("/api/v1/pods?labelSelector=app%3Dodd", accept("v1"))) as {
    rows: { cells: string[] }[];
  };
  expect(odd.rows.length).toBe(PODS / 2);
  expect(odd.rows.every((r) => Number((r.cells[0] as string).slice(1)) % 2 === 1)).toBe(true);
});

test("an empty list and a bad selector", async () => {
  const empty = await (await call("/api/v1/namespaces/none/pods", { headers: accept("v1") })).text();
  expect(empty).toBe(await expected("none", "Metadata", "v1", versionOf(empty)));
  const bad = await api.handler(
    new Request("http://x/api/v1/pods?labelSelector=a%3D%3D%3Db", { headers: accept("v1") }),
  );
  expect(bad.status).toBe(400);
});
