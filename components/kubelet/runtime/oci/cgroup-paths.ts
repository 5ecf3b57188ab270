// Where crun puts a container's cgroup (linux.cgroupsPath, cgroupfs driver) and how kube reads its
// usage and OOM kills back: cgroup v1 (per-controller dirs, also on hybrid hosts) or v2.

import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CgroupMode } from "./crun-command.ts";

export class CgroupPaths {
  readonly mode: CgroupMode;
  private readonly parent: string;
  private readonly root: string;

  /** `parent`: the cgroup under which containers go (default: this process's memory cgroup on v1). */
  constructor(mode: CgroupMode, options: { parent?: string; root?: string } = {}) {
    this.mode = mode;
    this.root = options.root ?? "/sys/fs/cgroup";
    this.parent = options.parent ?? CgroupPaths.selfCgroup(mode);
  }

  /** This process's cgroup: the memory controller's path on v1 (its limits then cover the pods), else the v2 path's parent. */
  static selfCgroup(mode: CgroupMode): string {
    let text = "";
    try {
      text = readFileSync("/proc/self/cgroup", "utf8");
    } catch {
      return "/";
    }
    const lines = text.split("\n");
    if (mode === "v2") {
      // A v2 cgroup with processes cannot have children with controllers: use a sibling of ours.
      const own = lines.find((l) => l.startsWith("0::"))?.slice(3) ?? "/";
      return own === "/" ? "/" : own.replace(/\/[^/]*$/, "") || "/";
    }
    const memory = lines.find((l) => l.split(":")[1]?.split(",").includes("memory"));
    return memory?.split(":").slice(2).join(":") || "/";
  }

  /** linux.cgroupsPath for a container or pause, undefined when cgroups are unavailable. */
  cgroupsPath(id: string): string | undefined {
    if (this.mode === "none") return undefined;
    return join(this.parent, this.mode === "v2" ? `kube-pods/kube-${id}` : `kube-${id}`);
  }

  /** The file whose `oom_kill N` line counts the container's OOM kills. */
  oomFile(id: string): string {
    const path = this.cgroupsPath(id);
    if (path === undefined) return "";
    return this.mode === "v2"
      ? join(this.root, path, "memory.events")
      : join(this.root, "memory", path, "memory.oom_control");
  }

  /** CPU time (ns) and working set (usage minus inactive file pages, as the kubelet's cadvisor does). */
  async stats(id: string): Promise<{ cpuUsageNanos: number; memoryWorkingSetBytes: number } | undefined> {
    const path = this.cgroupsPath(id);
    if (path === undefined) return undefined;
    try {
      if (this.mode === "v2") {
        const dir = join(this.root, path);
        const cpu = await readFile(join(dir, "cpu.stat"), "utf8");
        const usec = Number(/^usage_usec (\d+)$/m.exec(cpu)?.[1] ?? "0");
        const usage = Number((await readFile(join(dir, "memory.current"), "utf8")).trim());
        const stat = await readFile(join(dir, "memory.stat"), "utf8");
        const inactive = Number(/^inactive_file (\d+)$/m.exec(stat)?.[1] ?? "0");
        return { cpuUsageNanos: usec * 1000, memoryWorkingSetBytes: Math.max(0, usage - inactive) };
      }
      const cpu = Number((await readFile(join(this.root, "cpuacct", path, "cpuacct.usage"), "utf8")).trim());
      const memoryDir = join(this.root, "memory", path);
      const usage = Number((await readFile(join(memoryDir, "memory.usage_in_bytes"), "utf8")).trim());
      const stat = await readFile(join(memoryDir, "memory.stat"), "utf8");
      const inactive = Number(/^total_inactive_file (\d+)$/m.exec(stat)?.[1] ?? "0");
      return { cpuUsageNanos: cpu, memoryWorkingSetBytes: Math.max(0, usage - inactive) };
    } catch {
      return undefined;
    }
  }
}
