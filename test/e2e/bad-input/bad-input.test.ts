// The bad-input suite: over 150 malformed requests (types, unknown fields, depths, sizes,
// encodings, headers, query parameters, patches of every type, slow and oversized uploads) to
// `kube apiserver` and a kubelet's server in a child process. For each: upstream's status code
// and a Status body. Throughout: /healthz answers within 100 ms, the child's RSS stays bounded,
// and the stored objects are the same afterwards.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Subprocess, spawn } from "bun";
import { kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { APPS, type BadInputCase, NS, type Outcome, post, type Target } from "./bad-input-case.ts";
import { ENCODING_CASES, UNKNOWN_FIELD_CASES } from "./cases-bodies.ts";
import { KUBELET_CASES } from "./cases-kubelet.ts";
import { PATCH_CASES } from "./cases-patches.ts";
import { METHOD_CASES, QUERY_CASES } from "./cases-queries.ts";
import { rawCases } from "./cases-raw.ts";
import { TYPE_CASES } from "./cases-types.ts";

const REQUEST_TIMEOUT_MS = 2000;
const CASES: BadInputCase[] = [
  ...TYPE_CASES,
  ...QUERY_CASES,
  ...METHOD_CASES,
  ...ENCODING_CASES,
  ...UNKNOWN_FIELD_CASES,
  ...PATCH_CASES,
  ...rawCases(REQUEST_TIMEOUT_MS),
  ...KUBELET_CASES,
];

let child: Subprocess<"ignore", "pipe", "inherit"> | undefined;
let target: Target;

function rssKb(pid: number): number {
  const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8") as string;
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
}

async function snapshot(): Promise<string> {
  const lists = await Promise.all(
    [
      "/api/v1/configmaps",
      "/api/v1/pods",
      "/api/v1/services",
      "/api/v1/secrets",
      "/apis/apps/v1/deployments",
    ].map(async (path) => {
      const res = await fetch(`${target.api}${path}`);
      const list = (await res.json()) as { items: { metadata: { namespace: string; name: string } }[] };
      return list.items.map((o) => JSON.stringify(o)).sort();
    }),
  );
  return JSON.stringify(lists);
}

beforeAll(async () => {
  child = spawn([process.execPath, `${import.meta.dir}/bad-input-servers.ts`, String(REQUEST_TIMEOUT_MS)], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the servers exited before printing their URLs: ${text}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  target = JSON.parse(text.trim()) as Target;
  const seed = [
    post(target.api, `${NS}/configmaps`, { metadata: { name: "keep" }, data: { a: "1" } }),
    post(target.api, `${NS}/secrets`, { metadata: { name: "s" }, data: { a: "MQ==" } }),
    post(target.api, `${APPS}/deployments`, {
      metadata: { name: "web" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "i" }] } },
      },
    }),
  ];
  for (const res of await Promise.all(seed)) expect(res.status).toBe(201);
  // The first protobuf body parses kube's .proto schemas (~0.8 s of CPU, once per process):
  // a start-up cost, not one of bad input, so it is paid before the measurements.
  const warm = await fetch(`${target.api}${NS}/configmaps`, {
    method: "POST",
    headers: { "Content-Type": "application/vnd.kubernetes.protobuf" },
    body: new Uint8Array([0x6b, 0x38, 0x73, 0x00]),
  });
  expect(warm.status).toBe(400);
});

afterAll(async () => {
  if (!child) return;
  child.kill("SIGTERM");
  const exited = await Promise.race([child.exited, Bun.sleep(5000).then(() => "timeout")]);
  if (exited === "timeout") child.kill("SIGKILL");
});

function stats(samples: [number, number][]): { p95: number; max: number; text: string } {
  const sorted = samples.map(([, ms]) => ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return {
    p95: at(0.95),
    max,
    text: `${sorted.length} probes, p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${max.toFixed(1)} ms`,
  };
}

function checkStatus(c: BadInputCase, o: Outcome): string[] {
  const problems: string[] = [];
  if (o.status !== c.code) problems.push(`code ${o.status}, want ${c.code}: ${o.body.slice(0, 300)}`);
  if (c.reason !== undefined) {
    let status: { kind?: string; code?: number; reason?: string; message?: string } = {};
    try {
      status = JSON.parse(o.body);
    } catch {
      problems.push(`not a JSON Status: ${JSON.stringify(o.body.slice(0, 200))}`);
    }
    if (status.kind !== "Status") problems.push(`kind ${status.kind}, want Status`);
    if (status.code !== c.code) problems.push(`Status code ${status.code}, want ${c.code}`);
    if (status.reason !== c.reason) problems.push(`reason ${status.reason}, want ${c.reason}`);
    const m = c.message;
    if (typeof m === "string" && status.message !== m)
      problems.push(`message ${JSON.stringify(status.message)}, want ${JSON.stringify(m)}`);
    if (m instanceof RegExp && !m.test(status.message ?? ""))
      problems.push(`message ${JSON.stringify(status.message)} !~ ${m}`);
  }
  try {
    c.check?.(o);
  } catch (err) {
    problems.push((err as Error).message);
  }
  return problems;
}

test(`${CASES.length} malformed requests: upstream's codes and Status bodies, /healthz under 100 ms, RSS bounded, nothing stored changed`, async () => {
  expect(CASES.length).toBeGreaterThanOrEqual(150);
  const pid = child?.pid as number;
  const before = await snapshot();
  const rssStart = rssKb(pid);
  let rssPeak = rssStart;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      rssPeak = Math.max(rssPeak, rssKb(pid));
      await Bun.sleep(20);
    }
  })();
  const prober = spawn([process.execPath, `${import.meta.dir}/healthz-prober.ts`, target.api, String(pid)], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const proberOut = new Response(prober.stdout).text();
  await Bun.sleep(300);

  const failures: string[] = [];
  const windows: [string, number, number][] = [];
  const during = (at: number, ms: number) =>
    windows
      .filter(([, a, b]) => at <= b && at + ms >= a)
      .map(([n]) => n)
      .join(" | ");
  // Light cases three at a time, then the heavy ones one by one.
  let queue = CASES.filter((c) => !c.heavy);
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      let problems: string[];
      const started = Date.now();
      try {
        problems = checkStatus(c, await c.send(target));
        windows.push([c.name, started, Date.now()]);
      } catch (err) {
        problems = [`threw ${(err as Error).message}`];
      }
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join("; ")}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 3 }, worker));
  const heavyFrom = Date.now();
  queue = CASES.filter((c) => c.heavy);
  await worker();
  const elapsed = performance.now() - t0;
  sampling = false;
  await sampler;
  prober.kill("SIGTERM");
  await prober.exited;
  const { samples: probes } = JSON.parse((await proberOut).trim().split("\n").pop() as string) as {
    samples: [number, number, number][];
  };
  // What the server's event loop cost a probe: its latency, but no more than the CPU the server's
  // main thread used meanwhile. On a loaded machine a probe also waits for a CPU (100-400 ms at a
  // load of 15 on 2 cores: 6 of 96 light probes once); that wait is the machine's, not bad input's.
  const samples = probes.map(([at, ms, cpu]): [number, number] => [at, Math.min(ms, cpu)]);
  const wall = stats(probes.map(([at, ms]): [number, number] => [at, ms]));
  const after = await snapshot();
  const light = stats(samples.filter(([at]) => at < heavyFrom));
  const heavy = stats(samples.filter(([at]) => at >= heavyFrom));
  const slow = probes
    .filter(([, ms]) => ms > 100)
    .map(([at, ms, cpu]) => `${Math.round(ms)} ms, server CPU ${cpu} ms (${during(at, ms)})`);
  console.log(
    `${CASES.length} cases in ${(elapsed / 1000).toFixed(1)} s; /healthz from another process: wall ${wall.text}; the server's CPU within them: light cases ${light.text}, heavy cases ${heavy.text}; RSS ${(rssStart / 1024).toFixed(0)} -> peak ${(rssPeak / 1024).toFixed(0)} MiB${slow.length ? `\nprobes over 100 ms: ${slow.join("; ")}` : ""}`,
  );
  expect(failures).toEqual([]);
  expect(after).toBe(before);
  // While the light cases run, /healthz answers within 100 ms of the server's time (95th
  // percentile: single probes of 100-130 ms come and go with the server's GC). A multi-MiB body
  // or hundreds of connections cost the event loop 50-300 ms; nothing stalls for seconds (the
  // deep JSON of the issue took 1.4 s of CPU per request).
  expect(light.p95).toBeLessThan(100);
  expect(Math.max(light.max, heavy.max)).toBeLessThan(1000);
  expect(rssPeak - rssStart).toBeLessThan(150 * 1024);
}, 120_000);

test.skipIf(kubectlBinary() === null)(
  "the deepest object kube stores still lists with kubectl (a Go client)",
  async () => {
    // data at depth 9997 puts the object's deepest level at 9998: two under Go's 10000 in a list.
    const data = JSON.parse(`${"[".repeat(9996)}${"]".repeat(9996)}`);
    const res = await post(target.api, `${APPS}/controllerrevisions`, {
      metadata: { name: "deepest" },
      revision: 1,
      data,
    });
    expect(res.status).toBe(201);
    const kubectl = kubectlFor(target.api);
    try {
      // jsonpath makes kubectl decode the full objects of the list (not a Table).
      const list = await kubectl([
        "get",
        "controllerrevisions",
        "-A",
        "-o",
        "jsonpath={.items[*].metadata.name}",
      ]);
      expect(list.stderr).toBe("");
      expect(list.stdout).toContain("deepest");
    } finally {
      kubectl.cleanup();
    }
  },
  60_000,
);
