// `make bench`, apiserver: `kube apiserver` (a separate process, embedded SQLite) driven from
// this process, each row over the insecure port (plain HTTP) and right after over the secure port
// (TLS with a client certificate, authenticated and authorized by RBAC as system:masters), with
// their ratio: create/get/list at 1, 16 and 64 concurrent clients, creates at a fixed 500
// requests/s; then (insecure port) LIST of 10k pods (JSON and Table, read by curl and by Bun's
// fetch) and watch fan-out to 1000 watchers held by 4 child processes (BENCH_APISERVER=requests
// leaves those two out, =list runs only the LIST rows, =fanout only the fan-out).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createCertificateAuthority, issueCertificate } from "../lib/pki/issue-certificate.ts";
import { generatePrivateKey } from "../lib/pki/private-key.ts";
import { apiserverArgv } from "../test/harness/apiserver-argv.ts";
import { ensureKubeBuilt } from "../test/harness/kube-binary.ts";
import { spawnKube } from "../test/harness/kube-process.ts";
import { curlPath, curlTime } from "./curl-time.ts";

const RUN_MS = Number(process.env.BENCH_MS ?? 3000);
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

interface Stats {
  perSecond: number;
  p50: number;
  p99: number;
  /** The server's CPU time (all threads) per request, µs: less disturbed by a busy machine than req/s. */
  cpuUs?: number;
}

/** CPU time (user + system, all threads) of process `pid` so far, ms (Linux: /proc, 10 ms ticks). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** `measure` with the server's CPU per request added. */
async function withCpu(pid: number, measure: () => Promise<Stats>, count: () => number): Promise<Stats> {
  const before = cpuMs(pid);
  const start = count();
  const stats = await measure();
  const n = count() - start;
  return { ...stats, cpuUs: n > 0 ? ((cpuMs(pid) - before) * 1000) / n : Number.NaN };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function run(workers: number, op: (w: number, i: number) => Promise<void>): Promise<Stats> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + RUN_MS;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        await op(w, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / ((performance.now() - start) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Requests answered so far (for the CPU per request). */
let answered = 0;

async function ok(res: Response, what: string): Promise<void> {
  answered++;
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

function configMap(name: string): string {
  return JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { key: "value" } });
}

function pod(name: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { app: "bench" } },
    spec: { containers: [{ name: "c", image: "hello", ports: [{ containerPort: 80 }] }] },
  });
}

const json = { "Content-Type": "application/json" };

type Row = [string, string, string, string, string, string];

/** One way in: the insecure port's URL, or the secure port's with a client certificate. */
interface Target {
  label: string;
  url: string;
  tls?: { ca: string; cert: string; key: string };
}

/** fetch through `target`, with its client certificate if it has one. */
function caller(target: Target): (url: string, init?: RequestInit) => Promise<Response> {
  return (url, init = {}) => fetch(url, { ...init, ...(target.tls ? { tls: target.tls } : {}) });
}

/** One operation at `clients` concurrent clients through `target`. */
type Op = (target: Target, clients: number) => Promise<Stats>;

const cmsOf = (t: Target) => `${t.url}/api/v1/namespaces/default/configmaps`;
const tagOf = (t: Target) => (t.tls ? "s" : "i");

const create: Op = (t, c) =>
  run(c, async (w, i) =>
    ok(
      await caller(t)(cmsOf(t), {
        method: "POST",
        headers: json,
        body: configMap(`${tagOf(t)}c${c}-${w}-${i}`),
      }),
      "create",
    ),
  );
const get: Op = (t, c) =>
  run(c, async (w) => ok(await caller(t)(`${cmsOf(t)}/${tagOf(t)}get-${w % 10}`), "get"));
const list: Op = (t, c) => run(c, async () => ok(await caller(t)(`${cmsOf(t)}?limit=500`), "list"));

/** Creates at a fixed 500 requests/s: the latency a steady load sees. */
async function steady(t: Target): Promise<Stats> {
  const latencies: number[] = [];
  const total = Math.round((RUN_MS / 1000) * 500);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: total }, async (_, i) => {
      const due = t0 + i * 2;
      const wait = due - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      const start = performance.now();
      await ok(
        await caller(t)(cmsOf(t), {
          method: "POST",
          headers: json,
          body: configMap(`${tagOf(t)}steady-${i}`),
        }),
        "steady create",
      );
      latencies.push(performance.now() - start);
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    perSecond: total / ((performance.now() - t0) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/**
 * create/get/list at 1..64 clients and creates at a steady 500/s, each row over the insecure
 * port and then at once over TLS (side by side under the same load), with TLS/HTTP's ratio.
 */
async function requestRows(plain: Target, secure: Target, serverPid: number): Promise<Row[]> {
  const rows: Row[] = [];
  const fmt = (s: Stats) =>
    [s.perSecond.toFixed(0), s.p50.toFixed(2), s.p99.toFixed(2), (s.cpuUs ?? Number.NaN).toFixed(0)] as const;
  const pair = async (what: string, measure: (t: Target) => Promise<Stats>) => {
    console.error(`bench apiserver: ${what}`);
    const a = await withCpu(
      serverPid,
      () => measure(plain),
      () => answered,
    );
    const b = await withCpu(
      serverPid,
      () => measure(secure),
      () => answered,
    );
    rows.push([`${what} (${plain.label})`, ...fmt(a), ""]);
    rows.push([`${what} (${secure.label})`, ...fmt(b), `${(b.perSecond / a.perSecond).toFixed(2)}x`]);
  };
  const clients = (c: number) => `${c} client${c > 1 ? "s" : ""}`;
  // Warm-up: 64 connections open on each port (the rows measure requests, not TLS handshakes) and
  // one LIST each (the first LIST after a start is slower, and would land on whichever port went first).
  for (const t of [plain, secure]) {
    await Promise.all(
      Array.from({ length: 64 }, async () => ok(await caller(t)(`${t.url}/version`), "warm-up")),
    );
    await ok(await caller(t)(`${cmsOf(t)}?limit=500`), "warm-up list");
  }
  for (const c of [1, 16, 64]) await pair(`create configmap, ${clients(c)}`, (t) => create(t, c));
  for (const t of [plain, secure])
    for (let i = 0; i < 10; i++)
      await ok(
        await caller(t)(cmsOf(t), { method: "POST", headers: json, body: configMap(`${tagOf(t)}get-${i}`) }),
        "create",
      );
  for (const c of [1, 16, 64]) await pair(`get configmap, ${clients(c)}`, (t) => get(t, c));
  for (const c of [1, 16]) await pair(`list 500 configmaps, ${clients(c)}`, (t) => list(t, c));
  await pair("create at a steady 500/s", steady);
  return rows;
}

export async function benchApiserver(): Promise<void> {
  await ensureKubeBuilt();
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-api-"));
  // A client CA of the bench's own and an admin certificate it signs (CN admin, O system:masters).
  const ca = await createCertificateAuthority({ commonName: "kt-bench-ca", key: await generatePrivateKey() });
  const adminKey = await generatePrivateKey();
  const adminCert = await issueCertificate({
    ca,
    key: adminKey,
    commonName: "kt-bench-admin",
    organizations: ["system:masters"],
    usage: "client",
  });
  writeFileSync(join(dir, "client-ca.crt"), ca.certPem);
  const argv = apiserverArgv(join(dir, "data"), "--client-ca-file", join(dir, "client-ca.crt"));
  // BENCH_KUBE=<kube>: another build's apiserver (an A/B of the same rows, one run after the other).
  if (process.env.BENCH_KUBE) argv[0] = process.env.BENCH_KUBE;
  const proc = spawnKube(argv);
  try {
    const [, secureUrl = ""] = await proc.waitFor(/serving the Kubernetes API on (https:\/\/\S+)/);
    const [, url = ""] = await proc.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/);
    // The serving certificate kube made itself is signed by <data-dir>/tls/ca.crt.
    const servingCa = await Bun.file(join(dir, "data", "tls", "ca.crt")).text();
    const rows: Row[] = [];
    // BENCH_APISERVER=fanout: only the watch fan-out row.
    const fanoutOnly = process.env.BENCH_APISERVER === "fanout";
    // BENCH_APISERVER=list: only the LIST 10k rows.
    const listOnly = process.env.BENCH_APISERVER === "list";
    if (!fanoutOnly && !listOnly)
      rows.push(
        ...(await requestRows(
          { label: "HTTP", url },
          { label: "TLS+cert", url: secureUrl, tls: { ca: servingCa, cert: adminCert, key: adminKey.pem } },
          proc.pid,
        )),
      );
    // BENCH_APISERVER=requests: only the rows above (the TLS front's figures in about a minute).
    if (process.env.BENCH_APISERVER === "requests") {
      printRows(rows);
      return;
    }

    if (fanoutOnly) {
      rows.push(await fanoutRow(url, proc.pid));
      printRows(rows);
      return;
    }

    console.error("bench apiserver: 10k pods");
    // 10k pods, then LIST them whole.
    const pods = `${url}/api/v1/namespaces/default/pods`;
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < 10_000) {
          const i = next++;
          await ok(await fetch(pods, { method: "POST", headers: json, body: pod(`p${i}`) }), "pod create");
        }
      }),
    );
    rows.push(...(await listRows(pods, proc.pid)));
    if (listOnly) {
      printRows(rows);
      return;
    }

    rows.push(await fanoutRow(url, proc.pid));
    printRows(rows);
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * LIST of the 10k pods, JSON and Table, read by curl and by Bun's fetch in turn (7 rounds): p50/p99
 * wall per client and the server's CPU per list (over both). Bun's fetch spends ~2.5x the CPU on a
 * chunked body as on one with a Content-Length (~200 ms per 17 MB here), and Bun.serve sends every
 * streamed body chunked: its row measures this client; curl's (like kubectl's io.ReadAll) the server.
 */
async function listRows(pods: string, serverPid: number): Promise<Row[]> {
  const rows: Row[] = [];
  const rounds = 7;
  for (const [label, accept] of [
    ["LIST 10k pods (JSON)", "application/json"],
    ["LIST 10k pods (Table)", TABLE],
  ] as const) {
    const times: Record<"curl" | "fetch", number[]> = { curl: [], fetch: [] };
    // One list first, not counted: the first Table list prints and caches every row (~0.6 s).
    await ok(await fetch(pods, { headers: { Accept: accept } }), "warm-up list");
    const cpuBefore = cpuMs(serverPid);
    for (let i = 0; i < rounds; i++) {
      if (curlPath) times.curl.push(await curlTime(pods, accept));
      const t = performance.now();
      const res = await fetch(pods, { headers: { Accept: accept } });
      if (!res.ok) throw new Error(`list pods: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      times.fetch.push(performance.now() - t);
    }
    const cpuPerList = ((cpuMs(serverPid) - cpuBefore) * 1000) / (rounds * (curlPath ? 2 : 1));
    for (const client of ["curl", "fetch"] as const) {
      const sorted = times[client].sort((a, b) => a - b);
      if (sorted.length === 0) continue;
      rows.push([
        `${label}, ${client === "curl" ? "curl" : "Bun fetch"}`,
        (1000 / (percentile(sorted, 50) || 1)).toFixed(1),
        percentile(sorted, 50).toFixed(1),
        percentile(sorted, 99).toFixed(1),
        cpuPerList.toFixed(0),
        "",
      ]);
    }
  }
  return rows;
}

/** Printed under the table: what the fan-out row's client processes cost. */
let fanoutNote = "";

/** 1000 watchers of one namespace's configmaps: create → the last watcher's event; server CPU per event. */
async function fanoutRow(url: string, serverPid: number): Promise<Row> {
  console.error("bench apiserver: watch fan-out");
  const fanout = await watchFanout(url, serverPid, 1000, 20);
  fanoutNote = `watch fan-out, CPU per event: server ${fanout.serverMs.toFixed(1)} ms (the µs column), the ${process.env.FANOUT_PROCESSES ?? 4} watcher processes ${fanout.clientMs.toFixed(1)} ms`;
  return [
    "watch fan-out to 1000 watchers (create → all delivered)",
    "-",
    fanout.p50.toFixed(1),
    fanout.p99.toFixed(1),
    (fanout.serverMs * 1000).toFixed(0),
    "",
  ];
}

function printRows(rows: Row[]): void {
  const header: Row = [
    "apiserver (embedded SQLite)",
    "req/s",
    "p50 ms",
    "p99 ms",
    "server µs/req",
    "TLS/HTTP",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  console.log(`\n${line(header)}`);
  for (const r of rows) console.log(line(r));
  if (fanoutNote) console.log(fanoutNote);
  // The machine's load: on a shared machine the ratios mean more than the absolute figures.
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
}

/**
 * Create → every watcher's event, across `watchers` watches of one namespace's configmaps held by
 * FANOUT_PROCESSES child processes (bench/fanout-watchers.ts; one client parsing 1000 streams costs
 * about as much CPU as the server sending them, and would be what the row measures). Also the
 * server's and the clients' CPU per event.
 */
async function watchFanout(
  url: string,
  serverPid: number,
  watchers: number,
  events: number,
): Promise<{ p50: number; p99: number; serverMs: number; clientMs: number }> {
  await ok(
    await fetch(`${url}/api/v1/namespaces`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ metadata: { name: "fanout" } }),
    }),
    "namespace",
  );
  const base = `${url}/api/v1/namespaces/fanout/configmaps`;
  const list = (await (await fetch(base)).json()) as { metadata: { resourceVersion: string } };
  const processes = Number(process.env.FANOUT_PROCESSES ?? 4);
  const script = join(import.meta.dir, "fanout-watchers.ts");
  const children = Array.from({ length: processes }, (_, i) => {
    const count = Math.floor(watchers / processes) + (i < watchers % processes ? 1 : 0);
    const child = Bun.spawn(
      [process.execPath, script, base, list.metadata.resourceVersion, String(count), String(events)],
      { stdout: "pipe", stderr: "inherit" },
    );
    const reader = child.stdout.getReader();
    let text = "";
    /** Resolves with the output so far once it matches `pattern`. */
    const waitFor = async (pattern: RegExp): Promise<string> => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`a fan-out watcher process ended without ${pattern}: ${text}`);
        text += new TextDecoder().decode(value);
      }
      return text;
    };
    return { child, waitFor };
  });
  try {
    // Every watch is open and streaming once each child has seen the warm-up object.
    const warm = Promise.all(children.map((c) => c.waitFor(/warm/)));
    await ok(
      await fetch(base, { method: "POST", headers: json, body: configMap("fan-warm") }),
      "warm-up create",
    );
    await Promise.race([
      warm,
      Bun.sleep(60_000).then(() => Promise.reject(new Error("watchers not warm in 60 s"))),
    ]);
    const cpuBefore = cpuMs(serverPid);
    const created = new Map<string, number>();
    for (let i = 0; i < events; i++) {
      created.set(`fan-${i}`, performance.timeOrigin + performance.now());
      await ok(
        await fetch(base, { method: "POST", headers: json, body: configMap(`fan-${i}`) }),
        "fan create",
      );
      await Bun.sleep(50);
    }
    const outputs = await Promise.race([
      Promise.all(children.map((c) => c.waitFor(/"cpuMs"/))),
      Bun.sleep(30_000).then(() => Promise.reject(new Error("fan-out events not delivered in 30 s"))),
    ]);
    const serverMs = (cpuMs(serverPid) - cpuBefore) / events;
    const seen = new Map<string, number>();
    let clientMs = 0;
    for (const out of outputs) {
      const result = JSON.parse(out.slice(out.indexOf("{"))) as { seen: [string, number][]; cpuMs: number };
      clientMs += result.cpuMs / events;
      for (const [name, at] of result.seen) seen.set(name, Math.max(seen.get(name) ?? 0, at));
    }
    const lat = [...created].map(([name, t]) => (seen.get(name) ?? Number.NaN) - t);
    if (lat.some(Number.isNaN)) throw new Error("some fan-out events never reached a watcher");
    lat.sort((a, b) => a - b);
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), serverMs, clientMs };
  } finally {
    for (const { child } of children) child.kill();
    await Promise.all(children.map(({ child }) => child.exited));
  }
}
