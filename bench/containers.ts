// `make bench`, containers (BENCH=containers): pod start latency with the OCI runtime (crun: rootfs,
// namespaces, seccomp; the pod's IPC/UTS namespaces pinned, no pause) beside the process runtime, for 1, 10 and 100
// pause pods on one `kube kubelet`, memory per running pause pod (RSS of its processes) and CPU per
// pod of the kubelet, its runtime and the pods (a cpuacct cgroup: steadier than wall time on a busy host).

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ociUnavailable } from "../components/kubelet/runtime/oci/oci-runtime.ts";
import { apiserverArgv } from "../test/harness/apiserver-argv.ts";
import { ensureKubeBuilt, kubeBinary } from "../test/harness/kube-binary.ts";
import { spawnKube } from "../test/harness/kube-process.ts";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** This kubelet's container ids (both runtimes keep a state dir per container). */
function containerIds(rootDir: string): string[] {
  const ids: string[] = [];
  for (const dir of [join(rootDir, "runtime", "containers"), join(rootDir, "oci", "runtime", "containers")]) {
    try {
      ids.push(...readdirSync(dir));
    } catch {
      // Not this runtime.
    }
  }
  return ids;
}

/**
 * RSS (KiB) of every process this kubelet's pods own: in one of its containers' memory cgroups
 * (`kube-<id>`) or naming its root dir (supervisors, monitors, pause processes).
 */
function podProcessesRssKiB(rootDir: string, kubeletPid: number): number {
  const groups = new Set(containerIds(rootDir).map((id) => `kube-${id}`));
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === kubeletPid) continue;
    try {
      const memory = /^\d+:memory:(.*)$/m.exec(readFileSync(`/proc/${entry}/cgroup`, "utf8"))?.[1] ?? "";
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!groups.has(memory.split("/").at(-1) ?? "") && !cmdline.includes(rootDir)) continue;
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

interface Figures {
  p50: number;
  p99: number;
  allMs: number;
  rssPerPodKiB: number;
  /** CPU ms per pod from the first create until all pods Running; undefined without cgroup v1 cpuacct. */
  cpuPerPodMs: number | undefined;
  /** Of which the kubelet process itself (utime + stime of its threads, not its children). */
  kubeletCpuPerPodMs: number;
}

const CGROUP_V1 = "/sys/fs/cgroup";

/** A process's own CPU time in ms (utime + stime from /proc/<pid>/stat, clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * A cgroup of its own in the v1 cpuacct and memory hierarchies for the kubelet: everything it starts
 * (crun, monitors, supervisors, the pods, whose cgroups nest under its memory cgroup) is counted.
 */
function benchCgroup(name: string): { name: string; dirs: string[]; usageNanos: () => number } | undefined {
  const cpu = join(CGROUP_V1, "cpuacct");
  const memory = join(CGROUP_V1, "memory");
  if (!existsSync(join(cpu, "cpuacct.usage")) || !existsSync(join(memory, "memory.usage_in_bytes")))
    return undefined;
  const dirs = [join(cpu, name), join(memory, name)];
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  return {
    name,
    dirs,
    usageNanos: () => Number(readFileSync(join(dirs[0] as string, "cpuacct.usage"), "utf8").trim()),
  };
}

/** Removes the bench cgroup from every v1 hierarchy (crun made it in each for the pods' cgroups). */
function removeCgroup(name: string): void {
  for (const controller of readdirSync(CGROUP_V1)) {
    const dir = join(CGROUP_V1, controller, name);
    if (!existsSync(dir)) continue;
    try {
      // The pods' own groups are gone with the pods; an empty leftover child is removed first.
      for (const child of readdirSync(dir, { withFileTypes: true })) {
        if (child.isDirectory()) rmdirSync(join(dir, child.name));
      }
      rmdirSync(dir);
    } catch (error) {
      console.log(`  (cgroup ${dir} left: ${(error as Error).message})`);
    }
  }
}

async function startPods(runtime: string, pods: number, binary = kubeBinary): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-containers-"));
  const cgroup = benchCgroup(`kt-bench-${dir.split("-").at(-1)}`);
  const rootDir = join(dir, "kubelet");
  const api = spawnKube([binary, ...apiserverArgv(join(dir, "db")).slice(1)]);
  let kubelet: ReturnType<typeof spawnKube> | undefined;
  try {
    const url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    const node = `kt-bc-${runtime}`;
    const argv = [
      ...[binary, "kubelet", "--api-servers", url, "--node-name", node, "--root-dir", rootDir],
      ...["--port", "0", "--read-only-port", "0", "--stop-pods-on-exit", "--runtime", runtime],
    ];
    // Joins the cgroup before exec, so the kubelet sees it as its own from its first line.
    const enter = cgroup?.dirs.map((d) => `echo $$ > ${d}/cgroup.procs`).join(" && ");
    kubelet = spawnKube(enter === undefined ? argv : ["sh", "-c", `${enter} && exec "$0" "$@"`, ...argv]);
    await kubelet.waitFor(/kubelet ready/, 30_000);
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    const watching = fetch(`${url}/api/v1/namespaces/default/pods?watch=true&resourceVersion=0`);
    const reader = (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of (await watching).body as ReadableStream<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          const event = JSON.parse(line) as {
            object: { metadata: { name: string }; status?: { phase?: string } };
          };
          const name = event.object.metadata.name;
          if (event.object.status?.phase === "Running" && !running.has(name))
            running.set(name, performance.now());
        }
        if (running.size >= pods) return;
      }
    })();
    const cpuBefore = cgroup?.usageNanos() ?? 0;
    const kubeletBefore = processCpuMs(kubelet.pid);
    const start = performance.now();
    for (let i = 0; i < pods; i++) {
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
            nodeName: node,
            terminationGracePeriodSeconds: 0,
            containers: [{ name: "c", image: "pause" }],
          },
        }),
      });
      if (!response.ok) throw new Error(`create ${name}: ${response.status} ${await response.text()}`);
    }
    await Promise.race([
      reader,
      Bun.sleep(300_000).then(() => {
        throw new Error(`only ${running.size}/${pods} pods Running after 300 s`);
      }),
    ]);
    const allMs = performance.now() - start;
    const cpuPerPodMs = cgroup === undefined ? undefined : (cgroup.usageNanos() - cpuBefore) / 1e6 / pods;
    const kubeletCpuPerPodMs = (processCpuMs(kubelet.pid) - kubeletBefore) / pods;
    const latencies = [...created]
      .map(([name, t]) => (running.get(name) ?? Number.NaN) - t)
      .sort((a, b) => a - b);
    const rssPerPodKiB = podProcessesRssKiB(rootDir, kubelet.pid) / pods;
    (await watching).body?.cancel().catch(() => {});
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      allMs,
      rssPerPodKiB,
      cpuPerPodMs,
      kubeletCpuPerPodMs,
    };
  } finally {
    if (kubelet) {
      kubelet.kill("SIGTERM");
      await kubelet.exited;
    }
    api.kill("SIGTERM");
    await api.exited;
    if (cgroup !== undefined) removeCgroup(cgroup.name);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The 1-minute load average, to read the figures beside. */
function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?";
}

export async function benchContainers(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("containers: skipped (needs root)");
    return;
  }
  const missing = await ociUnavailable();
  // BENCH_CONTAINERS_KUBE=<kube binary>: that build instead of this tree's ./kube (not rebuilt).
  const binary = process.env.BENCH_CONTAINERS_KUBE || kubeBinary;
  if (binary === kubeBinary) await ensureKubeBuilt();
  const counts = (process.env.BENCH_POD_COUNTS ?? "1,10,100").split(",").map(Number);
  // BENCH_CONTAINERS_BASELINE=<another kube binary>: its oci row too, interleaved (before/after).
  const baseline = process.env.BENCH_CONTAINERS_BASELINE;
  // BENCH_CONTAINERS_RUNTIMES=oci,oci@baseline: only those rows (default: all that can run).
  const only = process.env.BENCH_CONTAINERS_RUNTIMES?.split(",");
  const runtimes = (
    missing === undefined ? ["process", "oci", ...(baseline ? ["oci@baseline"] : [])] : ["process"]
  ).filter((r) => only === undefined || only.includes(r));
  if (missing !== undefined) console.log(`containers: oci skipped (${missing})`);
  const rounds = Number(process.env.BENCH_CONTAINER_ROUNDS ?? 1);
  console.log(
    `containers: pause pods created one after another, create → Running (watch); runtimes interleaved, ${rounds} round(s); load ${loadAverage()}`,
  );
  for (const pods of counts) {
    for (let round = 0; round < rounds; round++) {
      const row: string[] = [];
      const figures = new Map<string, Figures>();
      for (const runtime of runtimes) {
        const f =
          runtime === "oci@baseline" && baseline
            ? await startPods("oci", pods, baseline)
            : await startPods(runtime, pods, binary);
        figures.set(runtime, f);
        const cpu =
          f.cpuPerPodMs === undefined
            ? ""
            : `, CPU ${f.cpuPerPodMs.toFixed(0)} ms/pod (kubelet ${f.kubeletCpuPerPodMs.toFixed(0)})`;
        row.push(
          `${runtime}: p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms, all Running ${f.allMs.toFixed(0)} ms${cpu}, ${(f.rssPerPodKiB / 1024).toFixed(1)} MiB RSS/pod`,
        );
      }
      const [a, b] = [figures.get("process"), figures.get("oci")];
      const ratio =
        a && b
          ? ` | oci-process p50 ${(b.p50 - a.p50).toFixed(0)} ms, all ×${(b.allMs / a.allMs).toFixed(2)}`
          : "";
      console.log(`  ${String(pods).padStart(3)} pods | ${row.join(" | ")}${ratio} (load ${loadAverage()})`);
    }
  }
  console.log("  (targets: oci costs ≤ 30 ms per pod at p50 over process; 100 pods Running in < 3 s)");
}
