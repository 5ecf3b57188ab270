// `make bench-scale`: the control plane at scale, kwok-style (`kube server --nodes N --runtime fake`):
// SCALE_NODES fake nodes (5000) with leases, SCALE_PODS pods (150000) through Deployments, and
// the figures of upstream's scalability SLOs (API p99 ≤ 1 s, LIST ≤ 30 s) and issue 17's targets.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureKubeBuilt, kubeBinary } from "../test/harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../test/harness/kube-process.ts";
import { curlTime } from "./curl-time.ts";

const NODES = Number(process.env.SCALE_NODES ?? 5000);
const PODS = Number(process.env.SCALE_PODS ?? 150_000);
const NAMESPACES = Number(process.env.SCALE_NAMESPACES ?? 50);
const DEPLOYMENTS = Number(process.env.SCALE_DEPLOYMENTS ?? 10); // per namespace
const LISTS = Number(process.env.SCALE_LISTS ?? 5);
const TIMEOUT_MS = Number(process.env.SCALE_TIMEOUT_S ?? 1200) * 1000;
/** Another kube executable to measure (an older build, for A/B); default ./kube, built if stale. */
const KUBE = process.env.SCALE_KUBE;
/** A directory: the loaded server (not the one-node reference) writes a CPU profile there on exit;
 * SCALE_BUN_OPTIONS: more BUN_OPTIONS for it (e.g. --preload of a heap-statistics hook). */
const PROFILE_DIR = process.env.SCALE_PROFILE_DIR;
/** A file prefix: the loaded server's log goes to <prefix>-load.log and <prefix>-restart.log. */
const LOG_PREFIX = process.env.SCALE_LOG;

/** Stops `server` (SIGTERM), keeping its log under SCALE_LOG if set. */
/** SIGTERM (the orderly stop) and the ms it took to exit. */
async function stopServer(server: KubeProcess, phase: string): Promise<number> {
  const started = performance.now();
  server.kill("SIGTERM");
  await server.exited;
  const took = performance.now() - started;
  if (LOG_PREFIX) writeFileSync(`${LOG_PREFIX}-${phase}.log`, server.stderr());
  return took;
}

/** A /proc/<pid>/status field in MiB: VmRSS, or RssAnon (the heap: RSS without the mapped files). */
function statusMiB(pid: number, field: "VmRSS" | "RssAnon"): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return Number(match?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const rssMiB = (pid: number): number => statusMiB(pid, "VmRSS");
/** RSS less file-backed pages: SQLite's mmap of kube.db (up to 1 GiB) and the executable are page cache. */
const anonMiB = (pid: number): number => statusMiB(pid, "RssAnon");

/** RSS of `pid` and every process below it (the fake runtime starts none; counted anyway). */
function treeRssMiB(pid: number): number {
  let total = rssMiB(pid);
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/))
      if (task) total += treeRssMiB(Number(task));
  } catch {
    // gone
  }
  return total;
}

/** User+system CPU seconds of `pid` so far. */
function ownCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // gone
  }
}

/** The processes below `pid` (the fake nodes' process, `kube server-nodes`). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds of kube server's process tree: its own (the API's thread and its helpers) and its children's. */
interface Cpu {
  server: number;
  children: number;
}

function cpuSeconds(pid: number): Cpu {
  const tree = (p: number): number => ownCpuSeconds(p) + childPids(p).reduce((sum, c) => sum + tree(c), 0);
  return { server: ownCpuSeconds(pid), children: childPids(pid).reduce((sum, c) => sum + tree(c), 0) };
}

const cpuSince = (pid: number, before: Cpu): Cpu => {
  const now = cpuSeconds(pid);
  return { server: now.server - before.server, children: now.children - before.children };
};

/** "X s (server process A, nodes process B)": one Cpu in seconds, or per `per` in ms. */
function cpuText(cpu: Cpu, per?: { count: number; unit: string }): string {
  const total = cpu.server + cpu.children;
  if (per)
    return `${((total * 1000) / per.count).toFixed(2)} ms per ${per.unit} (server process ${((cpu.server * 1000) / per.count).toFixed(2)}, nodes process ${((cpu.children * 1000) / per.count).toFixed(2)})`;
  return `${total.toFixed(0)} s (server process ${cpu.server.toFixed(0)}, nodes process ${cpu.children.toFixed(0)})`;
}

/** Anonymous RSS of `pid` and every process below it. */
function treeAnonMiB(pid: number): number {
  return anonMiB(pid) + childPids(pid).reduce((sum, c) => sum + treeAnonMiB(c), 0);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

function fileMiB(path: string): number {
  try {
    return statSync(path).size / 1024 / 1024;
  } catch {
    return 0;
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = TIMEOUT_MS): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    await Bun.sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function startServer(dir: string, nodes = NODES): KubeProcess {
  const bunOptions = [
    PROFILE_DIR ? `--cpu-prof --cpu-prof-dir=${PROFILE_DIR}` : "",
    process.env.SCALE_BUN_OPTIONS ?? "",
  ]
    .join(" ")
    .trim();
  const env = nodes === NODES && bunOptions ? { BUN_OPTIONS: bunOptions } : undefined;
  return spawnKube(
    [
      KUBE ?? kubeBinary,
      "server",
      "--data-dir",
      dir,
      "--insecure-port",
      "0",
      "--secure-port",
      "0",
      "--listen-client-urls",
      "http://127.0.0.1:0",
      "--node-name",
      "kt-scale",
      "--nodes",
      String(nodes),
      "--runtime",
      "fake",
      // /24 per node: a /10 holds 16384 of them. No proxy or DNS: no network rules for 150k pods.
      "--cluster-cidr",
      "10.64.0.0/10",
      "--service-cluster-ip-range",
      "10.60.0.0/16",
      "--disable",
      "proxy,dns",
    ],
    env,
  );
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok)
    throw new Error(`${init?.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function readyNodes(url: string): Promise<number> {
  return (await nodeReadiness(url)).ready;
}

/** Nodes Ready, and nodes whose Ready condition is not True (a starved heartbeat: NotReady/Unknown). */
async function nodeReadiness(url: string): Promise<{ ready: number; notReady: number }> {
  const list = await json<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>(
    `${url}/api/v1/nodes`,
  );
  let ready = 0;
  let notReady = 0;
  for (const n of list.items) {
    const condition = n.status?.conditions?.find((c) => c.type === "Ready");
    if (condition?.status === "True") ready++;
    else if (condition) notReady++;
  }
  return { ready, notReady };
}

/** Like until(), but a timeout is logged and the run goes on: later phases still give their figures. */
async function untilOrLog(
  what: string,
  fn: () => Promise<true | undefined>,
  timeoutMs = TIMEOUT_MS,
): Promise<boolean> {
  try {
    return await until(what, fn, timeoutMs);
  } catch (error) {
    console.log(`scale: ${(error as Error).message}; measuring what is there`);
    return false;
  }
}

/** Runs `tasks` with at most `limit` in flight. */
async function inParallel(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await (tasks[next++] as () => Promise<unknown>)();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** The store's current revision (a LIST's resourceVersion). */
async function revision(url: string): Promise<number> {
  const list = await json<{ metadata: { resourceVersion: string } }>(`${url}/api/v1/namespaces?limit=1`);
  return Number(list.metadata.resourceVersion);
}

/** Times one GET to its last byte, ms. */
async function timedGet(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return performance.now() - started;
}

/** Pods seen created / bound / Running, from one cluster-wide watch. */
interface PodProgress {
  created: Set<string>;
  bound: Set<string>;
  running: Set<string>;
  firstBound: number;
  lastBound: number;
  lastCreated: number;
  stop(): void;
}

function watchPods(url: string, fromRV: number): PodProgress {
  const progress: PodProgress = {
    created: new Set(),
    bound: new Set(),
    running: new Set(),
    firstBound: 0,
    lastBound: 0,
    lastCreated: 0,
    stop: () => controller.abort(),
  };
  const controller = new AbortController();
  const handle = (line: string): void => {
    if (!line.trim()) return; // the server's first flush is a bare newline
    const event = JSON.parse(line) as {
      object?: {
        metadata?: { name?: string; namespace?: string };
        spec?: { nodeName?: string };
        status?: { phase?: string };
      };
    };
    const pod = event.object;
    if (!pod?.metadata?.name) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const now = performance.now();
    if (!progress.created.has(key)) {
      progress.created.add(key);
      progress.lastCreated = now;
    }
    if (!progress.bound.has(key) && pod.spec?.nodeName) {
      progress.bound.add(key);
      if (!progress.firstBound) progress.firstBound = now;
      progress.lastBound = now;
    }
    if (pod.status?.phase === "Running") progress.running.add(key);
  };
  void (async () => {
    const response = await fetch(`${url}/api/v1/pods?watch=1&resourceVersion=${fromRV}`, {
      signal: controller.signal,
    });
    if (!response.body) return;
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of response.body) {
      rest += decoder.decode(chunk, { stream: true });
      let newline = rest.indexOf("\n");
      while (newline >= 0) {
        handle(rest.slice(0, newline));
        rest = rest.slice(newline + 1);
        newline = rest.indexOf("\n");
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) console.error(`scale: watch ended: ${String(error)}`);
  });
  return progress;
}

/** Every `periodMs`, a ConfigMap create (mutating latency) and the time until a watch delivers it. */
function probe(url: string, periodMs = 200): { mutatingMs: number[]; watchMs: number[]; stop(): void } {
  const result = { mutatingMs: [] as number[], watchMs: [] as number[], stop: () => {} };
  const sent = new Map<string, number>();
  const controller = new AbortController();
  let seq = 0;
  let running = true;
  void (async () => {
    const response = await fetch(`${url}/api/v1/namespaces/kt-probe/configmaps?watch=1&resourceVersion=0`, {
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of response.body ?? []) {
      rest += decoder.decode(chunk, { stream: true });
      for (let nl = rest.indexOf("\n"); nl >= 0; nl = rest.indexOf("\n")) {
        const name = /"name":"(p\d+)"/.exec(rest.slice(0, nl))?.[1];
        rest = rest.slice(nl + 1);
        const at = name ? sent.get(name) : undefined;
        if (name && at !== undefined) {
          result.watchMs.push(performance.now() - at);
          sent.delete(name);
        }
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) console.error(`scale: watch ended: ${String(error)}`);
  });
  void (async () => {
    while (running) {
      const name = `p${seq++}`;
      const started = performance.now();
      sent.set(name, started);
      const response = await fetch(`${url}/api/v1/namespaces/kt-probe/configmaps`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ metadata: { name }, data: { at: String(started) } }),
      }).catch(() => undefined);
      await response?.arrayBuffer();
      if (response?.ok) result.mutatingMs.push(performance.now() - started);
      await Bun.sleep(periodMs);
    }
  })();
  result.stop = () => {
    running = false;
    controller.abort();
  };
  return result;
}

function deployment(name: string, replicas: number): object {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "pause", image: "pause" }], terminationGracePeriodSeconds: 1 },
      },
    },
  };
}

const ms = (v: number): string => `${v.toFixed(0)} ms`;
const s = (v: number): string => `${(v / 1000).toFixed(1)} s`;

export async function benchScale(): Promise<void> {
  if (!KUBE) await ensureKubeBuilt();
  const root = mkdtempSync(join(tmpdir(), "kt-bench-scale-"));
  const dir = join(root, "data");
  const log = (line: string): void => console.log(`scale: ${line}`);
  const runStart = performance.now();
  let server: KubeProcess | undefined;
  try {
    // The reference: one fake node, idle (what a node costs is measured against it).
    server = startServer(join(root, "one"), 1);
    const url1 = (await server.waitFor(/the Kubernetes API on (http:\/\/\S+)/, 60_000))[1] as string;
    await until("1 node Ready", async () => ((await readyNodes(url1)) === 1 ? true : undefined));
    await Bun.sleep(5000);
    const rssOne = treeRssMiB(server.pid);
    const anonOne = treeAnonMiB(server.pid);
    server.kill("SIGTERM");
    await server.exited;
    server = undefined;

    const started = performance.now();
    server = startServer(dir);
    const url = (await server.waitFor(/the Kubernetes API on (http:\/\/\S+)/, 60_000))[1] as string;
    const apiUp = performance.now() - started;
    await untilOrLog(`${NODES} nodes Ready`, async () =>
      (await readyNodes(url)) === NODES ? true : undefined,
    );
    const nodesUp = performance.now() - started;
    await Bun.sleep(5000);
    const rssNodes = treeRssMiB(server.pid);
    const anonNodes = treeAnonMiB(server.pid);
    log(
      `${await readyNodes(url).catch(() => 0)} of ${NODES} fake nodes Ready ${s(nodesUp)} after start (API up at ${s(apiUp)}); RSS ${rssNodes.toFixed(0)} MiB (one node: ${rssOne.toFixed(0)} MiB): ${(((rssNodes - rssOne) * 1024) / Math.max(1, NODES - 1)).toFixed(1)} KiB per node; anonymous ${anonNodes.toFixed(0)} MiB (one node: ${anonOne.toFixed(0)}): ${(((anonNodes - anonOne) * 1024) / Math.max(1, NODES - 1)).toFixed(1)} KiB per node`,
    );

    // Heartbeats: every write in a quiet window is a lease renewal or a node status update.
    const window = 30_000;
    let idleRate: Cpu = { server: 0, children: 0 };
    const [rev0, cpu0] = [await revision(url), cpuSeconds(server.pid)];
    await Bun.sleep(window);
    const rev1 = await revision(url);
    const idle = cpuSince(server.pid, cpu0);
    idleRate = { server: (idle.server * 1000) / window, children: (idle.children * 1000) / window };
    const pct = (v: number): string => `${((v * 100 * 1000) / window).toFixed(1)}%`;
    log(
      `node heartbeat load, idle: ${(((rev1 - rev0) * 1000) / window).toFixed(1)} writes/s (leases + node status), kube server CPU ${pct(idle.server + idle.children)} of one core (server process ${pct(idle.server)}, nodes process ${pct(idle.children)}); ${(((idle.server + idle.children) * 1e6) / (window / 10_000) / NODES).toFixed(0)} µs per node per 10 s`,
    );

    await json(`${url}/api/v1/namespaces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ metadata: { name: "kt-probe" } }),
    });
    const replicas = Math.ceil(PODS / (NAMESPACES * DEPLOYMENTS));
    const total = replicas * NAMESPACES * DEPLOYMENTS;
    const watch = watchPods(url, await revision(url));
    const probes = probe(url);
    const createStart = performance.now();
    const cpuStart = cpuSeconds(server.pid);
    // Progress every 30 s from the first Deployment on (creating them takes a while under load).
    const pid = server.pid;
    const progress = setInterval(() => {
      void nodeReadiness(url)
        .catch(() => ({ ready: 0, notReady: -1 }))
        .then(({ notReady }) =>
          log(
            `  ${s(performance.now() - createStart)}: ${watch.created.size} created, ${watch.bound.size} bound, ${watch.running.size} Running, ${notReady} nodes not Ready, RSS ${treeRssMiB(pid).toFixed(0)} MiB`,
          ),
        );
    }, 30_000);
    // Namespaces, then their Deployments, a few requests in flight (one at a time took 600 s of a
    // 1000-node run while the controllers were already creating pods).
    await inParallel(
      Array.from(
        { length: NAMESPACES },
        (_, n) => () =>
          json(`${url}/api/v1/namespaces`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ metadata: { name: `kt-scale-${n}` } }),
          }),
      ),
      8,
    );
    await inParallel(
      Array.from(
        { length: NAMESPACES * DEPLOYMENTS },
        (_, i) => () =>
          json(`${url}/apis/apps/v1/namespaces/kt-scale-${Math.floor(i / DEPLOYMENTS)}/deployments`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(deployment(`d${i % DEPLOYMENTS}`, replicas)),
          }),
      ),
      8,
    );
    log(`${NAMESPACES * DEPLOYMENTS} Deployments created in ${s(performance.now() - createStart)}`);
    const complete = await untilOrLog(`${total} pods Running`, async () =>
      watch.running.size >= total ? true : undefined,
    );
    clearInterval(progress);
    const allRunning = performance.now() - createStart;
    // Per-pod figures divide by the pods there are (all of them unless the wait timed out).
    const stored = complete ? total : Math.min(total, watch.created.size);
    const cpuLoad = cpuSince(server.pid, cpuStart);
    probes.stop();
    watch.stop();
    log(
      `${complete ? "" : `INCOMPLETE (${watch.running.size} Running when the wait ended): `}${total} pods (${NAMESPACES} namespaces × ${DEPLOYMENTS} Deployments × ${replicas}): created ${(watch.created.size / ((watch.lastCreated - createStart) / 1000)).toFixed(0)} pods/s, scheduled ${(watch.bound.size / ((watch.lastBound - watch.firstBound) / 1000)).toFixed(0)} pods/s (first → last binding), ${complete ? "all" : watch.running.size} Running ${s(allRunning)} after the first Deployment; kube CPU ${cpuText(cpuLoad)}: ${cpuText(cpuLoad, { count: stored, unit: "pod" })}; besides the idle heartbeats' rate over those ${s(allRunning)}: ${cpuText(
        {
          server: cpuLoad.server - (idleRate.server * allRunning) / 1000,
          children: cpuLoad.children - (idleRate.children * allRunning) / 1000,
        },
        { count: stored, unit: "pod" },
      )}`,
    );
    log(
      `during the load: ConfigMap create p50 ${ms(quantile(probes.mutatingMs, 0.5))} p99 ${ms(quantile(probes.mutatingMs, 0.99))} (n=${probes.mutatingMs.length}; SLO ≤ 1 s), create → watch event p50 ${ms(quantile(probes.watchMs, 0.5))} p99 ${ms(quantile(probes.watchMs, 0.99))}`,
    );

    await Bun.sleep(5000);
    const rssServer = rssMiB(server.pid);
    const rssPods = treeRssMiB(server.pid);
    const anonPods = treeAnonMiB(server.pid);
    log(
      `RSS with ${stored} pods: kube server process ${rssServer.toFixed(0)} MiB, total with the nodes process ${rssPods.toFixed(0)} MiB (target < 6 GiB); ${(((rssPods - rssNodes) * 1024) / stored).toFixed(1)} KiB per pod stored; anonymous (RSS less the kube.db mmap and the executable) ${anonPods.toFixed(0)} MiB, ${(((anonPods - anonNodes) * 1024) / stored).toFixed(1)} KiB per pod; SQLite ${(fileMiB(join(dir, "db", "kube.db")) + fileMiB(join(dir, "db", "kube.db-wal"))).toFixed(0)} MiB (db + wal)`,
    );

    const all: number[] = [];
    const allCurl: number[] = [];
    for (let i = 0; i < LISTS; i++) {
      allCurl.push(await curlTime(`${url}/api/v1/pods`));
      all.push(await timedGet(`${url}/api/v1/pods`));
    }
    const perNs: number[] = [];
    for (let i = 0; i < 20 * LISTS; i++)
      perNs.push(await timedGet(`${url}/api/v1/namespaces/kt-scale-${i % NAMESPACES}/pods`));
    log(
      `LIST all ${stored} pods (JSON), curl: p50 ${ms(quantile(allCurl, 0.5))} p99 ${ms(quantile(allCurl, 0.99))} (n=${allCurl.length}; target < 5 s); Bun's fetch: p50 ${ms(quantile(all, 0.5))} p99 ${ms(quantile(all, 0.99))}; per namespace (${replicas * DEPLOYMENTS} pods): p50 ${ms(quantile(perNs, 0.5))} p99 ${ms(quantile(perNs, 0.99))} (n=${perNs.length})`,
    );

    const stopMs = await stopServer(server, "load");
    server = undefined;
    log(
      `SIGTERM of the loaded server: exited in ${s(stopMs)} (every kubelet, controller and the store closed)`,
    );
    const restartAt = performance.now();
    server = startServer(dir);
    const url2 = (await server.waitFor(/the Kubernetes API on (http:\/\/\S+)/, 120_000))[1] as string;
    const restartApi = performance.now() - restartAt;
    // Every kubelet restarts too (the Nodes still say Ready from before the stop): the run waits
    // SCALE_RESTART_TIMEOUT_S for the server's ready line (every kubelet back) and counts the
    // nodes the node lifecycle controller marked NotReady/Unknown meanwhile.
    const restartTimeout = Number(process.env.SCALE_RESTART_TIMEOUT_S ?? 120) * 1000;
    let notReadyMax = 0;
    let nodesReady = 0;
    let allReadyAt: number | undefined;
    void server
      .waitFor(/ready; Ctrl-C stops everything/, restartTimeout)
      .then(() => {
        allReadyAt = performance.now() - restartAt;
      })
      .catch(() => undefined);
    while (allReadyAt === undefined && performance.now() - restartAt < restartTimeout) {
      const readiness = await nodeReadiness(url2).catch(() => undefined);
      if (readiness) {
        nodesReady = readiness.ready;
        notReadyMax = Math.max(notReadyMax, readiness.notReady);
      }
      await Bun.sleep(500);
    }
    const unready = await json<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>(
      `${url2}/api/v1/pods`,
    )
      .then(
        (list) =>
          list.items.filter((p) =>
            p.status?.conditions?.some((c) => c.type === "Ready" && c.status !== "True"),
          ).length,
      )
      .catch(() => -1);
    log(
      `restart on that data dir: API serving ${s(restartApi)}, ${
        allReadyAt === undefined
          ? `not every kubelet back within ${s(restartTimeout)} (${nodesReady} of ${NODES} nodes Ready then)`
          : `every component and all ${NODES} kubelets ready ${s(allReadyAt)}`
      } (target < 30 s); at most ${notReadyMax} nodes NotReady/Unknown meanwhile, ${unready} pods not Ready after; RSS then ${treeRssMiB(server.pid).toFixed(0)} MiB`,
    );
    log(`whole run ${s(performance.now() - runStart)} (target < 20 minutes)`);
  } finally {
    if (server) await stopServer(server, "restart");
    // SCALE_KEEP_DIR=1 keeps the data dir (a loaded cluster to restart and profile again).
    if (process.env.SCALE_KEEP_DIR === "1") log(`data dir kept: ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchScale();
