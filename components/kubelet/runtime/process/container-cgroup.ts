// Per-container cgroup v1 groups (kubelet's container manager, cgroupfs driver): one `kube-<id>`
// group per controller under the node's pods group (upstream's kubepods) in this process's cgroup.
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const controllers = ["memory", "cpu", "cpuacct"] as const;
type Controller = (typeof controllers)[number];

export interface CgroupLimits {
  memoryLimitBytes?: number;
  cpuLimitMillis?: number;
  cpuRequestMillis?: number;
}

/** The usable controllers: their directory (this process's cgroup) where we may create children. */
export class CgroupManager {
  private readonly parents: Map<Controller, string>;
  /** The pods group's directories (removed on close when empty), if one was made. */
  private readonly podsGroups: string[];

  private constructor(parents: Map<Controller, string>, podsGroups: string[]) {
    this.parents = parents;
    this.podsGroups = podsGroups;
  }

  /**
   * Probes each controller by creating and removing a child group; logs once what is unusable. With `podsGroup`, the containers' groups go under that group of each controller (made here),
   * whose cpu.shares is the node's CPUs (1024 each) as upstream's kubepods: a burst of pod starts
   * (a hundred supervisors and containers runnable at once) then competes with the kubelet and
   * the apiserver as one weight instead of a hundred, which starved both for seconds.
   */
  static async detect(
    log: (line: string) => void,
    root = "/sys/fs/cgroup",
    podsGroup?: string,
  ): Promise<CgroupManager> {
    const parents = new Map<Controller, string>();
    let self = "";
    try {
      self = await readFile("/proc/self/cgroup", "utf8");
    } catch {
      // Not Linux: nothing usable.
    }
    const missing: string[] = [];
    for (const controller of controllers) {
      const line = self.split("\n").find((l) => l.split(":")[1]?.split(",").includes(controller));
      const parent = join(root, controller, line?.split(":").slice(2).join(":") ?? "/");
      const probe = join(parent, `kube-probe-${process.pid}`);
      try {
        if (line === undefined) throw new Error("not in /proc/self/cgroup");
        await mkdir(probe);
        await rmdir(probe);
        parents.set(controller, parent);
      } catch {
        missing.push(controller);
      }
    }
    if (missing.length > 0) {
      log(`cgroup v1 controllers ${missing.join(", ")} not writable: containers run without those limits`);
    }
    const made: string[] = [];
    if (podsGroup !== undefined) {
      const nested = new Map<Controller, string>();
      try {
        for (const [controller, parent] of parents) {
          const dir = join(parent, podsGroup);
          await mkdir(dir, { recursive: true });
          made.push(dir);
          nested.set(controller, dir);
          if (controller === "cpu")
            await writeFile(join(dir, "cpu.shares"), `${1024 * availableParallelism()}`);
        }
        for (const [controller, dir] of nested) parents.set(controller, dir);
      } catch (error) {
        log(
          `cgroup pods group ${podsGroup} not usable (${(error as Error).message}): containers' groups are flat`,
        );
        for (const dir of made.splice(0)) await rmdir(dir).catch(() => undefined);
      }
    }
    return new CgroupManager(parents, made);
  }

  /** The pods group's directories, one per controller (empty without one). */
  get podsGroupDirs(): readonly string[] {
    return this.podsGroups;
  }

  /**
   * Removes the pods group once no pod is left in it: pods left running keep it (the next kubelet
   * adopts them); the supervisors of pods just stopped leave it as they exit, waited for up to 1 s.
   */
  async close(): Promise<void> {
    for (const dir of this.podsGroups) {
      for (let waited = 0; ; waited += 20) {
        try {
          await rmdir(dir);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EBUSY" || waited >= 1000) break;
          const pods = await readdir(dir).catch(() => []);
          if (pods.some((name) => name.startsWith("kube-"))) break;
          await Bun.sleep(20);
        }
      }
    }
  }

  get usable(): boolean {
    return this.parents.size > 0;
  }

  /** Paths the container's group would have (whether or not it exists). */
  paths(containerId: string): string[] {
    return [...this.parents.values()].map((parent) => join(parent, `kube-${containerId}`));
  }

  /**
   * Creates the groups and writes the limits; returns the directories (the supervisor joins them).
   * Synchronous: cgroupfs is in memory, and a Bun fs promise costs the JS thread more than the call.
   */
  async create(containerId: string, limits: CgroupLimits): Promise<string[]> {
    const dirs: string[] = [];
    for (const [controller, parent] of this.parents) {
      const dir = join(parent, `kube-${containerId}`);
      mkdirSync(dir, { recursive: true });
      dirs.push(dir);
      if (controller === "memory" && limits.memoryLimitBytes !== undefined) {
        writeFileSync(join(dir, "memory.limit_in_bytes"), `${limits.memoryLimitBytes}`);
      }
      if (controller === "cpu") {
        if (limits.cpuRequestMillis !== undefined) {
          const shares = Math.max(2, Math.floor((limits.cpuRequestMillis * 1024) / 1000));
          writeFileSync(join(dir, "cpu.shares"), `${shares}`);
        }
        if (limits.cpuLimitMillis !== undefined) {
          const period = 100_000;
          writeFileSync(join(dir, "cpu.cfs_period_us"), `${period}`);
          const quota = Math.max(1000, Math.floor((limits.cpuLimitMillis * period) / 1000));
          writeFileSync(join(dir, "cpu.cfs_quota_us"), `${quota}`);
        }
      }
    }
    return dirs;
  }

  /** Removes the groups (the supervisor normally did; this covers a supervisor that was killed). */
  async remove(containerId: string): Promise<void> {
    for (const dir of this.paths(containerId)) await rmdir(dir).catch(() => undefined);
  }

  /** SIGKILLs every process in the container's groups (those that left its process group too). */
  async killAll(containerId: string): Promise<void> {
    for (const dir of this.paths(containerId)) {
      const procs = await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => "");
      for (const pid of procs.split("\n").filter((line) => /^\d+$/.test(line))) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // Gone.
        }
      }
    }
  }

  /** CPU ns (cpuacct.usage) and working set (usage minus inactive file pages, as the kubelet computes). */
  async stats(
    containerId: string,
  ): Promise<{ cpuUsageNanos: number; memoryWorkingSetBytes: number } | undefined> {
    const memory = this.parents.get("memory");
    const cpuacct = this.parents.get("cpuacct");
    if (memory === undefined || cpuacct === undefined) return undefined;
    const group = `kube-${containerId}`;
    try {
      const cpu = Number((await readFile(join(cpuacct, group, "cpuacct.usage"), "utf8")).trim());
      const usage = Number((await readFile(join(memory, group, "memory.usage_in_bytes"), "utf8")).trim());
      const stat = await readFile(join(memory, group, "memory.stat"), "utf8");
      const inactive = Number(/^total_inactive_file (\d+)$/m.exec(stat)?.[1] ?? "0");
      return { cpuUsageNanos: cpu, memoryWorkingSetBytes: Math.max(0, usage - inactive) };
    } catch {
      return undefined;
    }
  }
}
