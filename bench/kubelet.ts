// `make bench`, kubelet: pod startup latency — create through the API → Running observed by a
// watch — p50/p99 over 100 pods on one `kube kubelet` (process runtime, a network namespace per
// pod), and memory per running pod (host MemAvailable drop and kubelet RSS, before and after).

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiserverArgv } from "../test/harness/apiserver-argv.ts";
import { ensureKubeBuilt, kubeBinary } from "../test/harness/kube-binary.ts";
import { spawnKube } from "../test/harness/kube-process.ts";

const PODS = Number(process.env.BENCH_PODS ?? 100);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

function memAvailableKiB(): number {
  const match = /MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"));
  return Number(match?.[1] ?? 0);
}

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0);
}

export async function benchKubelet(
  image = process.env.BENCH_IMAGE ?? "pause",
  runtime = process.env.BENCH_RUNTIME ?? "process",
): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("kubelet: skipped (needs root for network namespaces)");
    return;
  }
  await ensureKubeBuilt();
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-kubelet-"));
  const api = spawnKube(apiserverArgv(join(dir, "db")));
  let kubelet: ReturnType<typeof spawnKube> | undefined;
  try {
    const url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    kubelet = spawnKube([
      kubeBinary,
      "kubelet",
      "--api-servers",
      url,
      "--node-name",
      "kt-bench",
      "--root-dir",
      join(dir, "kubelet"),
      "--port",
      "0",
      "--read-only-port",
      "0",
      "--stop-pods-on-exit",
      "--runtime",
      runtime,
    ]);
    await kubelet.waitFor(/kubelet ready/, 30_000);
    const memBefore = memAvailableKiB();
    const rssBefore = rssKiB(kubelet.pid);
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    // Not awaited here: Bun's fetch resolves at the first body byte, and no pod exists yet.
    const watching = fetch(`${url}/api/v1/namespaces/default/pods?watch=true&resourceVersion=0`);
    const reader = (async () => {
      const watch = await watching;
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of watch.body as ReadableStream<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue; // the apiserver opens a watch with a newline
          const event = JSON.parse(line) as {
            object: { metadata: { name: string }; status?: { phase?: string } };
          };
          const name = event.object.metadata.name;
          if (event.object.status?.phase === "Running" && !running.has(name))
            running.set(name, performance.now());
        }
        if (running.size >= PODS) return;
      }
    })();
    const start = performance.now();
    for (let i = 0; i < PODS; i++) {
      const name = `bench-${i}`;
      created.set(name, performance.now());
      const response = await fetch(`${url}/api/v1/namespaces/default/pods`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name },
          spec: { nodeName: "kt-bench", containers: [{ name: "c", image }] },
        }),
      });
      if (!response.ok) throw new Error(`create ${name}: ${response.status} ${await response.text()}`);
    }
    await Promise.race([
      reader,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`only ${running.size}/${PODS} pods Running after 120 s`)), 120_000),
      ),
    ]);
    const total = performance.now() - start;
    const latencies = [...created]
      .map(([name, t]) => (running.get(name) ?? Number.NaN) - t)
      .sort((a, b) => a - b);
    const memAfter = memAvailableKiB();
    const rssAfter = rssKiB(kubelet.pid);
    console.log(
      `kubelet: pod startup (${PODS} pods, image ${image}, ${runtime} runtime, created one after another)`,
    );
    console.log(
      `  create → Running (watch): p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; all ${PODS} Running after ${total.toFixed(0)} ms (target p99 < 250 ms; upstream SLO 5 s)`,
    );
    console.log(
      `  memory per running pod: ${((memBefore - memAfter) / PODS / 1024).toFixed(1)} MiB (host MemAvailable drop / pods); kubelet RSS ${(rssBefore / 1024).toFixed(0)} → ${(rssAfter / 1024).toFixed(0)} MiB`,
    );
    (await watching).body?.cancel().catch(() => {});
  } finally {
    if (kubelet) {
      kubelet.kill("SIGTERM");
      await kubelet.exited;
    }
    api.kill("SIGTERM");
    await api.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
