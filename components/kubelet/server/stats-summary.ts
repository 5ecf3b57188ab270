// The kubelet's /stats/summary (k8s.io/kubelet pkg/apis/stats/v1alpha1 Summary): node CPU and
// memory from /proc/stat and /proc/meminfo, and per pod and container from runtime.stats.
// usageNanoCores is the rate between this sample and the previous one of the same thing; a
// thing seen for the first time is sampled twice, a short moment apart.
import { readFile } from "node:fs/promises";
import type { Pod } from "kubernetes-types/core/v1";
import type { ContainerStatus, Runtime } from "../runtime/runtime.ts";

export interface CpuStats {
  time: string;
  usageNanoCores: number;
  usageCoreNanoSeconds: number;
}

export interface MemoryStats {
  time: string;
  workingSetBytes: number;
  usageBytes?: number;
  availableBytes?: number;
  rssBytes?: number;
}

export interface ContainerSummary {
  name: string;
  startTime?: string;
  cpu: CpuStats;
  memory: MemoryStats;
}

export interface PodSummary {
  podRef: { name: string; namespace: string; uid: string };
  startTime?: string;
  containers: ContainerSummary[];
  cpu: CpuStats;
  memory: MemoryStats;
}

export interface Summary {
  node: { nodeName: string; startTime: string; cpu: CpuStats; memory: MemoryStats };
  pods: PodSummary[];
}

interface Sample {
  cpuNanos: number;
  at: number;
}

/** Reads the host's counters; replaceable in tests. */
export interface HostReader {
  /** Cumulative CPU time of all cores, in nanoseconds. */
  cpuNanos(): Promise<number>;
  memory(): Promise<{ totalBytes: number; availableBytes: number }>;
}

const USER_HZ = 100;

export const procHost: HostReader = {
  async cpuNanos() {
    const line = (await readFile("/proc/stat", "utf8")).split("\n")[0] ?? "";
    // user nice system idle iowait irq softirq steal: busy time is all but idle and iowait.
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
    return (busy * 1e9) / USER_HZ;
  },
  async memory() {
    const text = await readFile("/proc/meminfo", "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0) * 1024;
    return { totalBytes: kb("MemTotal"), availableBytes: kb("MemAvailable") };
  },
};

export interface StatsOptions {
  runtime: Runtime;
  nodeName: string;
  host?: HostReader;
  /** Wait between the two samples of something seen for the first time (default 100 ms). */
  firstSampleGapMs?: number;
  now?: () => number;
}

export class StatsCollector {
  private readonly previous = new Map<string, Sample>();
  private readonly host: HostReader;
  private readonly now: () => number;
  private readonly started: string;

  constructor(private readonly options: StatsOptions) {
    this.host = options.host ?? procHost;
    this.now = options.now ?? Date.now;
    this.started = new Date(this.now()).toISOString();
  }

  /** Rate since the last sample of `key`, and remembers this one. */
  private rate(key: string, sample: Sample): number {
    const before = this.previous.get(key);
    this.previous.set(key, sample);
    if (!before || sample.at <= before.at) return 0;
    const rate = ((sample.cpuNanos - before.cpuNanos) * 1000) / (sample.at - before.at);
    return Math.max(0, Math.round(rate));
  }

  async summary(pods: Pod[]): Promise<Summary> {
    const { runtime } = this.options;
    const sandboxes = await runtime.listSandboxes();
    const running: Array<{ pod: Pod; containers: ContainerStatus[] }> = [];
    for (const pod of pods) {
      const ids = new Set(sandboxes.filter((s) => s.uid === pod.metadata?.uid).map((s) => s.id));
      const containers: ContainerStatus[] = [];
      for (const id of ids)
        containers.push(...(await runtime.listContainers(id)).filter((c) => c.state === "running"));
      running.push({ pod, containers });
    }
    const firstTime =
      !this.previous.has("node") || running.some((r) => r.containers.some((c) => !this.previous.has(c.id)));
    if (firstTime) {
      await this.sampleAll(running);
      await new Promise((resolve) => setTimeout(resolve, this.options.firstSampleGapMs ?? 100));
    }
    return this.sampleAll(running);
  }

  private async sampleAll(running: Array<{ pod: Pod; containers: ContainerStatus[] }>): Promise<Summary> {
    const at = this.now();
    const time = new Date(at).toISOString();
    const nodeCpu = await this.host.cpuNanos();
    const mem = await this.host.memory();
    const used = mem.totalBytes - mem.availableBytes;
    const node = {
      nodeName: this.options.nodeName,
      startTime: this.started,
      cpu: {
        time,
        usageNanoCores: this.rate("node", { cpuNanos: nodeCpu, at }),
        usageCoreNanoSeconds: Math.round(nodeCpu),
      },
      memory: { time, workingSetBytes: used, usageBytes: used, availableBytes: mem.availableBytes },
    };
    const podSummaries: PodSummary[] = [];
    const seen = new Set<string>(["node"]);
    for (const { pod, containers } of running) {
      const list: ContainerSummary[] = [];
      for (const c of containers) {
        const s = await this.options.runtime.stats(c.id);
        if (!s) continue;
        seen.add(c.id);
        const cAt = s.timestamp.getTime();
        list.push({
          name: c.name,
          ...(c.startedAt ? { startTime: c.startedAt.toISOString() } : {}),
          cpu: {
            time: s.timestamp.toISOString(),
            usageNanoCores: this.rate(c.id, { cpuNanos: s.cpuUsageNanos, at: cAt }),
            usageCoreNanoSeconds: s.cpuUsageNanos,
          },
          memory: { time: s.timestamp.toISOString(), workingSetBytes: s.memoryWorkingSetBytes },
        });
      }
      const m = pod.metadata ?? {};
      podSummaries.push({
        podRef: { name: m.name ?? "", namespace: m.namespace ?? "", uid: m.uid ?? "" },
        ...(pod.status?.startTime ? { startTime: pod.status.startTime } : {}),
        containers: list,
        cpu: {
          time,
          usageNanoCores: list.reduce((n, c) => n + c.cpu.usageNanoCores, 0),
          usageCoreNanoSeconds: list.reduce((n, c) => n + c.cpu.usageCoreNanoSeconds, 0),
        },
        memory: { time, workingSetBytes: list.reduce((n, c) => n + c.memory.workingSetBytes, 0) },
      });
    }
    // Forget containers that are gone, so the map does not grow forever.
    for (const key of this.previous.keys()) if (!seen.has(key)) this.previous.delete(key);
    return { node, pods: podSummaries };
  }
}
