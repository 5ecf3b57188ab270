// `make bench`, kubelet: pod startup latency — BENCH_PODS (100) pods created together through the
// API → Running observed by a watch — p50/p99 on one `kube kubelet` (process runtime, a netns per
// pod), the kube-side CPU per pod start, the API requests per pod, memory per running pod, and the
// phases of a start (kubelet-phases.ts: sandbox, container, supervisor fork, exec, Running).
// BENCH_KUBELET_AB=1 also runs the spawn path (an `ip` per pod, a perl per container) interleaved;
// BENCH_KUBELET_A=<kube> BENCH_KUBELET_B=<kube> interleaves two kubelet builds against one apiserver
// (BENCH_KUBELET_APISERVER=<kube>: its build; not BENCH_APISERVER, which picks the apiserver bench's rows).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { apiserverArgv } from "../test/harness/apiserver-argv.ts";
import { ensureKubeBuilt, kubeBinary } from "../test/harness/kube-binary.ts";
import { spawnKube } from "../test/harness/kube-process.ts";
import { bucketPercentiles, durationBuckets, podStartPhases } from "./kubelet-phases.ts";

const PODS = Number(process.env.BENCH_PODS ?? 100);
const TOGETHER = process.env.BENCH_CREATE !== "serial";

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

/** utime + stime, plus those of waited-for children (the `ip` runs), in ms. */
function cpuMs(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
}

/** CPU (ms) of the pods' own processes: supervisors, the launcher, the containers' programs. */
function podProcessesCpuMs(rootDir: string, kubeletPid: number): number {
  let ids: string[] = [];
  try {
    ids = readdirSync(join(rootDir, "runtime", "containers"));
  } catch {
    // No container started.
  }
  const groups = new Set(ids.map((id) => `kube-${id}`));
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === kubeletPid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const cgroups = readFileSync(`/proc/${entry}/cgroup`, "utf8").split("\n");
      const inPod = cgroups.some((line) => groups.has(line.split("/").at(-1) ?? ""));
      if (cmdline.includes(rootDir) || inPod) total += cpuMs(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

/** apiserver_request_total summed by verb, resource and subresource (without the watch). */
async function requestCounts(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const match of text.matchAll(
    /^apiserver_request_total\{verb="(\w+)",group="[^"]*",resource="([^"]*)",subresource="([^"]*)",code="\d+"\} (\d+)$/gm,
  )) {
    const [, verb, resource, subresource, n] = match;
    if (verb === "WATCH" || resource === "") continue; // the bench's own /metrics reads
    const key = `${verb} ${resource}${subresource ? `/${subresource}` : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(n));
  }
  return counts;
}

interface Figures {
  p50: number;
  p99: number;
  allMs: number;
  kubeletCpu: number;
  apiserverCpu: number;
  podCpu: number;
  memPerPodMiB: number;
  rss: [number, number];
  /** Requests per pod by "VERB resource/subresource", the bench's own creates included. */
  requests: Map<string, number>;
  /** SIGTERM (--stop-pods-on-exit) to the kubelet's exit: every pod stopped and torn down. */
  teardownMs: number;
  /** p50/p99 of each phase of a pod start (kubelet-phases.ts). */
  phases: string;
  /** The apiserver's own p50/p99 for the kubelet's status writes (its histogram's buckets). */
  statusWrites: string;
}

async function startPods(
  image: string,
  runtime: string,
  env: Record<string, string>,
  binary = kubeBinary,
): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-kubelet-"));
  const rootDir = join(dir, "kubelet");
  const [, ...apiArgs] = apiserverArgv(join(dir, "db"));
  let api: ReturnType<typeof spawnKube>;
  try {
    api = spawnKube([process.env.BENCH_KUBELET_APISERVER ?? kubeBinary, ...apiArgs]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true }); // a binary that does not exist leaves nothing behind
    throw error;
  }
  let kubelet: ReturnType<typeof spawnKube> | undefined;
  try {
    const url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    kubelet = spawnKube(
      [
        ...[binary, "kubelet", "--api-servers", url, "--node-name", "kt-bench", "--root-dir", rootDir],
        ...["--port", "0", "--read-only-port", "0", "--stop-pods-on-exit", "--runtime", runtime],
      ],
      env,
    );
    await kubelet.waitFor(/kubelet ready/, 30_000);
    const memBefore = memAvailableKiB();
    const rssBefore = rssKiB(kubelet.pid);
    const cpuBefore = { kubelet: cpuMs(kubelet.pid), api: cpuMs(api.pid) };
    const requestsBefore = await requestCounts(url);
    const statusBuckets = async () =>
      durationBuckets(await (await fetch(`${url}/metrics`)).text(), "PATCH", "pods", "status");
    const statusBefore = await statusBuckets();
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
    const create = async (i: number): Promise<void> => {
      const name = `bench-${i}`;
      created.set(name, performance.now());
      const response = await fetch(`${url}/api/v1/namespaces/default/pods`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name },
          spec: {
            nodeName: "kt-bench",
            terminationGracePeriodSeconds: 1,
            containers: [{ name: "c", image }],
          },
        }),
      });
      if (!response.ok) throw new Error(`create ${name}: ${response.status} ${await response.text()}`);
    };
    const start = performance.now();
    if (TOGETHER) await Promise.all(Array.from({ length: PODS }, (_, i) => create(i)));
    else for (let i = 0; i < PODS; i++) await create(i);
    await Promise.race([
      reader,
      Bun.sleep(120_000).then(() => {
        throw new Error(`only ${running.size}/${PODS} pods Running after 120 s`);
      }),
    ]);
    const allMs = performance.now() - start;
    // The status writes and events of the last pods may still be on their way (events go one at
    // a time, behind the status writes): wait until the request counts stand still, at most 30 s.
    let requestsAfter = await requestCounts(url);
    for (let still = 0, waited = 0; still < 2 && waited < 30_000; waited += 500) {
      await Bun.sleep(500);
      const now = await requestCounts(url);
      still = [...now].every(([key, n]) => requestsAfter.get(key) === n) ? still + 1 : 0;
      requestsAfter = now;
    }
    const requests = new Map<string, number>();
    for (const [key, n] of requestsAfter) {
      const per = (n - (requestsBefore.get(key) ?? 0)) / PODS;
      if (per >= 0.05) requests.set(key, per);
    }
    const latencies = [...created]
      .map(([name, t]) => (running.get(name) ?? Number.NaN) - t)
      .sort((a, b) => a - b);
    const figures: Figures = {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      allMs,
      kubeletCpu: (cpuMs(kubelet.pid) - cpuBefore.kubelet) / PODS,
      apiserverCpu: (cpuMs(api.pid) - cpuBefore.api) / PODS,
      podCpu: podProcessesCpuMs(rootDir, kubelet.pid) / PODS,
      memPerPodMiB: (memBefore - memAvailableKiB()) / PODS / 1024,
      rss: [rssBefore / 1024, rssKiB(kubelet.pid) / 1024],
      requests,
      teardownMs: 0,
      phases: podStartPhases(join(rootDir, "runtime"), created, running),
      statusWrites: bucketPercentiles(statusBefore, await statusBuckets()),
    };
    (await watching).body?.cancel().catch(() => {});
    const stopping = performance.now();
    kubelet.kill("SIGTERM");
    await kubelet.exited;
    figures.teardownMs = performance.now() - stopping;
    return figures;
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

function describe(f: Figures): string {
  return (
    `create → Running p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms, all Running ${f.allMs.toFixed(0)} ms; ` +
    `CPU per pod start: kubelet ${f.kubeletCpu.toFixed(1)} ms (with its ip children), apiserver ${f.apiserverCpu.toFixed(1)} ms, ` +
    `pod processes ${f.podCpu.toFixed(1)} ms (supervisor, program); all stopped and removed in ${f.teardownMs.toFixed(0)} ms; ${f.memPerPodMiB.toFixed(1)} MiB per running pod\n    requests per pod: ` +
    [...f.requests].map(([key, n]) => `${key} ${n.toFixed(2)}`).join(", ") +
    `\n    phases p50/p99 ms after the create request: ${f.phases}; ` +
    `status PATCH in the apiserver ${f.statusWrites}; load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")}`
  );
}

export async function benchKubelet(
  image = process.env.BENCH_IMAGE ?? "pause",
  runtime = process.env.BENCH_RUNTIME ?? "process",
): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("kubelet: skipped (needs root for network namespaces)");
    return;
  }
  // Two given kubelet builds and an apiserver build: ./kube is neither needed nor built.
  if (!(process.env.BENCH_KUBELET_A && process.env.BENCH_KUBELET_B && process.env.BENCH_KUBELET_APISERVER))
    await ensureKubeBuilt();
  const how = TOGETHER ? "created together" : "created one after another";
  console.log(`kubelet: pod startup (${PODS} pods, image ${image}, ${runtime} runtime, ${how})`);
  const a = process.env.BENCH_KUBELET_A;
  const b = process.env.BENCH_KUBELET_B;
  if (a && b) {
    // Two kubelet builds, interleaved, each against the same apiserver build.
    for (let round = 1; round <= Number(process.env.BENCH_ROUNDS ?? 2); round++) {
      console.log(`  round ${round}, A ${a}: ${describe(await startPods(image, runtime, {}, a))}`);
      console.log(`  round ${round}, B ${b}: ${describe(await startPods(image, runtime, {}, b))}`);
    }
    return;
  }
  if (process.env.BENCH_KUBELET_AB === "1") {
    // The spawn path (before issue 17's work) and today's, interleaved on the same machine state.
    const spawnPath = { KUBE_NETLINK: "0", KUBE_SUPERVISOR_LAUNCHER: "0" };
    for (let round = 1; round <= 2; round++) {
      console.log(
        `  round ${round}, ip + perl spawns: ${describe(await startPods(image, runtime, spawnPath))}`,
      );
      console.log(`  round ${round}, netlink + launcher: ${describe(await startPods(image, runtime, {}))}`);
    }
    return;
  }
  const f = await startPods(image, runtime, {});
  console.log(`  ${describe(f)} (targets: p99 < 1 s, kube-side CPU < 10 ms per pod; upstream SLO 5 s)`);
  console.log(
    `  memory per running pod: ${f.memPerPodMiB.toFixed(1)} MiB (host MemAvailable drop / pods); kubelet RSS ${f.rss[0].toFixed(0)} → ${f.rss[1].toFixed(0)} MiB`,
  );
}
