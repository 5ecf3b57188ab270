// `make bench`, kube server: cold start (process spawn → the node Ready in the API, polled every
// 5 ms), over BENCH_STARTS runs on fresh data dirs, and resident memory of the one process idle
// after start and with BENCH_SERVER_PODS pause pods (a Deployment) running. Targets: Ready in
// under 500 ms; under 64 MiB idle (issue 17; k3s idles around 500 MB). BENCH_KUBE=<kube> runs
// another build; BENCH_KUBE_BASELINE=<kube> interleaves its cold starts with this build's (an A/B).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureKubeBuilt, kubeBinary } from "../test/harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../test/harness/kube-process.ts";

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const PODS = Number(process.env.BENCH_SERVER_PODS ?? 100);

function rssMiB(pid: number, field = "VmRSS"): number {
  const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

/** RSS with its parts: anonymous (heaps) and file-backed (the executable's pages: Bun's code, the embedded bundle). */
function rssParts(pid: number): string {
  return `${rssMiB(pid).toFixed(1)} MiB (anonymous ${rssMiB(pid, "RssAnon").toFixed(1)}, file-backed ${rssMiB(pid, "RssFile").toFixed(1)})`;
}

// Ranges outside those the tests pick at random (10.100-250.0.0/16), so a test cluster running
// meanwhile never holds rules for our node and pod addresses.
const KUBE = process.env.BENCH_KUBE ?? kubeBinary;
const BASELINE = process.env.BENCH_KUBE_BASELINE;

function startServer(dir: string, binary = KUBE): KubeProcess {
  return spawnKube([
    binary,
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
    "kt-bench",
    "--cluster-cidr",
    "10.61.0.0/16",
    "--service-cluster-ip-range",
    "10.60.0.0/16",
    "--dns-port",
    "0",
    "--resolv-conf",
    join(dir, "..", "resolv.conf"),
  ]);
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    await Bun.sleep(5);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function apiURL(server: KubeProcess): Promise<string> {
  return (await server.waitFor(/the Kubernetes API on (http:\/\/\S+)/, 30_000))[1] as string;
}

async function nodeReady(url: string): Promise<true | undefined> {
  const response = await fetch(`${url}/api/v1/nodes/kt-bench`);
  if (!response.ok) return undefined;
  const node = (await response.json()) as { status?: { conditions?: { type: string; status: string }[] } };
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? true : undefined;
}

async function stop(server: KubeProcess): Promise<void> {
  server.kill("SIGTERM");
  await server.exited;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** BENCH_KUBE_BASELINE's cold starts, each run just before one of this build's (printed first). */
async function baselineStarts(root: string): Promise<void> {
  const both: Record<string, number[]> = { baseline: [], this: [] };
  for (let run = 0; run < STARTS; run++) {
    for (const [name, binary] of [
      ["baseline", BASELINE],
      ["this", KUBE],
    ] as const) {
      const dir = join(root, `ab-${name}-${run}`);
      const started = performance.now();
      const server = startServer(dir, binary);
      try {
        const url = await apiURL(server);
        await poll("the node Ready", () => nodeReady(url));
        both[name]?.push(performance.now() - started);
      } finally {
        await stop(server);
      }
    }
  }
  const line = (values: number[] = []) =>
    `median ${median(values).toFixed(0)} ms (${values.map((ms) => ms.toFixed(0)).join(" / ")})`;
  console.log(
    `server: cold start A/B, interleaved: baseline ${line(both.baseline)}; this build ${line(both.this)}`,
  );
}

export async function benchServer(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("server: skipped (needs root for pod network namespaces)");
    return;
  }
  if (!process.env.BENCH_KUBE) await ensureKubeBuilt();
  const root = mkdtempSync(join(tmpdir(), "kt-bench-server-"));
  // Non-cluster names go to a resolver on loopback that is not there: never off the machine.
  await Bun.write(join(root, "resolv.conf"), "nameserver 127.0.0.1\n");
  const readyMs: number[] = [];
  let server: KubeProcess | undefined;
  try {
    if (BASELINE) await baselineStarts(root);
    for (let run = 0; run < STARTS; run++) {
      const dir = join(root, `run${run}`);
      const started = performance.now();
      server = startServer(dir);
      const url = await apiURL(server);
      await poll("the node Ready", () => nodeReady(url));
      readyMs.push(performance.now() - started);
      if (run < STARTS - 1) {
        await stop(server);
        server = undefined;
      }
    }
    console.log(
      `server: cold start to node Ready: median ${median(readyMs).toFixed(0)} ms, runs ${readyMs
        .map((ms) => ms.toFixed(0))
        .join(" / ")} ms (target < 500 ms)`,
    );
    if (!server) return;
    const url = await apiURL(server);
    // Idle: let start-up garbage go first (a full GC is what a long-idle process reaches).
    await Bun.sleep(3000);
    console.log(
      `server: RSS idle after start, no user pods: ${rssParts(server.pid)} (target < 64 MiB; k3s idles around 500 MB)`,
    );
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "kt-bench" },
      spec: {
        replicas: PODS,
        selector: { matchLabels: { app: "kt-bench" } },
        template: {
          metadata: { labels: { app: "kt-bench" } },
          spec: { containers: [{ name: "pause", image: "pause" }], terminationGracePeriodSeconds: 1 },
        },
      },
    };
    const created = performance.now();
    const response = await fetch(`${url}/apis/apps/v1/namespaces/default/deployments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(deployment),
    });
    if (!response.ok)
      throw new Error(`creating the bench Deployment: ${response.status} ${await response.text()}`);
    await poll(
      `${PODS} pods available`,
      async () => {
        const d = (await (
          await fetch(`${url}/apis/apps/v1/namespaces/default/deployments/kt-bench`)
        ).json()) as {
          status?: { availableReplicas?: number };
        };
        return d.status?.availableReplicas === PODS ? true : undefined;
      },
      300_000,
    );
    const allUp = performance.now() - created;
    await Bun.sleep(3000);
    console.log(
      `server: ${PODS} pause pods available ${(allUp / 1000).toFixed(1)} s after the Deployment was created; RSS of kube server then: ${rssMiB(server.pid).toFixed(1)} MiB (pods are their own processes)`,
    );
  } finally {
    if (server) await stop(server);
    rmSync(root, { recursive: true, force: true });
  }
}
