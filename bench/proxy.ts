// `make bench`, proxy: HTTP requests/s and p99 latency through a ClusterIP vs directly to the pod
// IP, side by side, with keep-alive and with a new connection per request (NAT and conntrack on
// every request), for the nftables and the userspace data path. Real processes: apiserver,
// controller manager, kubelet with the embedded nginx pod, kube proxy; load from wrk (Debian).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureKubeBuilt } from "../test/harness/kube-binary.ts";
import {
  type ProxyCluster,
  type ProxyOptions,
  removeProxyState,
  spawnProxy,
  startProxyCluster,
} from "../test/harness/proxy-cluster.ts";
import { until } from "../test/harness/until.ts";

const DURATION = process.env.BENCH_PROXY_DURATION ?? "3s";
/** Direct and ClusterIP runs alternate this many times; the medians are printed (a busy host drifts). */
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 3);
const CONNECTIONS = process.env.BENCH_PROXY_CONNECTIONS ?? "16";

interface WrkResult {
  rps: number;
  p99Ms: number;
  /** wrk's socket errors (connect, read, write, timeout) plus non-2xx/3xx responses. */
  errors: number;
  /** The host's TCP SYN retransmissions during the run (nstat; other processes' count too). */
  synRetrans: number;
}

function synRetransmits(): number {
  const out = spawnSync("nstat", ["-az", "TcpExtTCPSynRetrans"], { encoding: "utf8" }).stdout ?? "";
  return Number(/TcpExtTCPSynRetrans\s+(\d+)/.exec(out)?.[1] ?? 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function medianResult(runs: WrkResult[]): WrkResult {
  return {
    rps: median(runs.map((r) => r.rps)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    synRetrans: runs.reduce((sum, r) => sum + r.synRetrans, 0),
  };
}

function ensureWrk(): boolean {
  if (spawnSync("wrk", ["--version"]).error === undefined) return true;
  console.log("proxy: installing wrk (Debian) for the load");
  const install = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdio: "ignore",
  });
  return install.status === 0;
}

function wrk(url: string, close: boolean): WrkResult {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${DURATION}`, "--latency"];
  if (close) args.push("-H", "Connection: close");
  const syns = synRetransmits();
  const out = spawnSync("wrk", [...args, url], { encoding: "utf8" }).stdout ?? "";
  const synRetrans = synRetransmits() - syns;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  const scale = { us: 0.001, ms: 1, s: 1000 }[(p99?.[2] ?? "ms") as "us" | "ms" | "s"];
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (socket?.slice(1) ?? []).reduce((sum, n) => sum + Number(n), non2xx);
  if (process.env.BENCH_PROXY_VERBOSE) console.log(out);
  return { rps, p99Ms: Number(p99?.[1] ?? 0) * scale, errors, synRetrans };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
}

export async function benchProxy(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("proxy: skipped (needs root for network namespaces and rules)");
    return;
  }
  if (!ensureWrk()) {
    console.log("proxy: skipped (wrk missing and apt-get install wrk failed)");
    return;
  }
  await ensureKubeBuilt();
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-proxy-"));
  const range = `10.${100 + Math.floor(Math.random() * 100)}.0.0/16`;
  const node = `kt-bench-px${process.pid % 10000}`;
  const table = `kt-bench-px${process.pid % 10000}`;
  const dummy = `kt-bpx${process.pid % 10000}`;
  let cluster: ProxyCluster | undefined;
  try {
    cluster = await startProxyCluster({ dir, node, range, controllers: "endpointslice" });
    const url = cluster.url;
    const ns = `${url}/api/v1/namespaces/default`;
    // Identical pods: the pod IP is measured on one, each mode's ClusterIP (a service selecting
    // only its pod) on another. Sharing one would mix the paths' TCP state: all reach the pod from
    // the bridge address, with different timestamp offsets, and the pod's TIME_WAIT sockets from
    // one path drop the other's SYNs (PAWS) when a new connection per request recycles ports.
    const modes: ProxyOptions["mode"][] =
      spawnSync("nft", ["list", "tables"]).status === 0 ? ["nftables", "userspace"] : ["userspace"];
    for (const name of ["nginx-direct", ...modes.map((m) => `nginx-${m}`)])
      await post(`${ns}/pods`, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, labels: { app: name } },
        spec: {
          nodeName: node,
          containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }],
        },
      });
    for (const mode of modes)
      await post(`${ns}/services`, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: `nginx-${mode}` },
        spec: { selector: { app: `nginx-${mode}` }, ports: [{ port: 80 }] },
      });
    type Pod = { status?: { phase?: string; podIP?: string } };
    const running = (name: string) =>
      until(
        `${name} Running`,
        async () => {
          const pod = await getJson<Pod>(`${ns}/pods/${name}`);
          return pod.status?.phase === "Running" ? pod.status.podIP : undefined;
        },
        { timeoutMs: 60_000 },
      );
    const podIP = await running("nginx-direct");
    for (const mode of modes) await running(`nginx-${mode}`);
    const direct = `http://${podIP}:80/`;
    await until("nginx answers", async () => ((await fetch(direct)).ok ? true : undefined));

    const rows: [string, WrkResult][] = [];
    for (const mode of modes) {
      const vip = (await getJson<{ spec: { clusterIP: string } }>(`${ns}/services/nginx-${mode}`)).spec
        .clusterIP;
      const viaVip = `http://${vip}:80/`;
      const proxy = spawnProxy({ url, node, mode, table, dummy, range });
      try {
        await proxy.waitFor(/proxy ready/, 30_000);
        await until(`${vip} answers`, async () => ((await fetch(viaVip)).ok ? true : undefined));
        for (const close of [false, true]) {
          const how = close ? "new connection per request" : "keep-alive";
          const runs: { direct: WrkResult[]; vip: WrkResult[] } = { direct: [], vip: [] };
          for (let round = 0; round < ROUNDS; round++) {
            runs.direct.push(wrk(direct, close));
            runs.vip.push(wrk(viaVip, close));
          }
          rows.push([`direct pod IP, ${how}`, medianResult(runs.direct)]);
          rows.push([`ClusterIP (${mode}), ${how}`, medianResult(runs.vip)]);
        }
      } finally {
        proxy.kill("SIGTERM");
        await proxy.exited;
      }
    }
    console.log(
      `proxy: wrk -t1 -c${CONNECTIONS} -d${DURATION} against the embedded nginx pod, median of ${ROUNDS} alternating runs`,
    );
    const width = Math.max(...rows.map(([name]) => name.length));
    for (const [i, [name, r]] of rows.entries()) {
      const base = i % 2 === 1 ? rows[i - 1]?.[1] : undefined;
      const ratio = base?.rps ? `  ${((100 * r.rps) / base.rps).toFixed(0)}% of direct` : "";
      const errors = r.errors ? `  (${r.errors} errors)` : "";
      const syns = r.synRetrans ? `  (${r.synRetrans} SYN retransmits)` : "";
      console.log(
        `  ${name.padEnd(width)}  ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99Ms.toFixed(2).padStart(7)} ms${ratio}${errors}${syns}`,
      );
    }
  } finally {
    await cluster?.stop();
    removeProxyState({ table, dummy, range });
    rmSync(dir, { recursive: true, force: true });
  }
}
