// The process runtime: pods as real Linux processes, one network namespace per pod on a node bridge
// (CRI RuntimeService semantics over supervisor processes; state under <rootDir>/runtime survives restarts).

import { createHash, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "../../network/ip-command.ts";
import { NodeNetwork } from "../../network/node-network.ts";
import type {
  ContainerConfig,
  ContainerStats,
  ContainerStatus,
  ExecOptions,
  ExecProcess,
  Runtime,
  RuntimeEvent,
  SandboxConfig,
  SandboxStatus,
} from "../runtime.ts";
import { startAttach } from "./attach-process.ts";
import { CgroupManager } from "./container-cgroup.ts";
import { ContainerTable } from "./container-table.ts";
import { createSandbox } from "./create-sandbox.ts";
import { startExec } from "./exec-process.ts";
import { installHelperScripts } from "./helper-scripts.ts";
import { kubeImageArgv } from "./kube-image-argv.ts";
import { supervisorSyscalls } from "./linux-syscalls.ts";
import { processAlive, processGroupUsage, signalGroup } from "./proc-stat.ts";
import { RuntimeState, type SandboxRecord } from "./runtime-state.ts";
import { sandboxReady, sandboxStatus } from "./sandbox-status.ts";
import { startContainer } from "./start-container.ts";
import { SupervisorLauncher } from "./supervisor-launcher.ts";

export interface ProcessRuntimeOptions {
  /** kubelet --root-dir: state in <rootDir>/runtime, logs in <rootDir>/pods/<uid>/containers. */
  rootDir: string;
  /** Names the bridge (`kb` + 8 hex of sha1) and the network namespaces. */
  nodeName: string;
  /** e.g. "10.88.3.0/24"; absent: the one a previous run used, else a free /24 in 10.88.0.0/16. */
  podCIDR?: string;
  log: (line: string) => void;
  /** auto (default): a netns per pod when root and `ip netns` works, else the host network. */
  networking?: "auto" | "host";
  /** How often adopted containers are checked for exit (ms, default 250); the runtime's own
   * containers report their end through their supervisor's exit. */
  pollIntervalMs?: number;
  /** How to run this kube, for the kube image's commands (`/hyperkube apiserver`, `kube ...`). */
  kubeExecutable?: string[];
}

/** The process runtime, with `close({ removeBridge: true })` beyond the Runtime contract. */
export interface ProcessRuntime extends Runtime {
  close(options?: { removeBridge?: boolean }): Promise<void>;
}

export async function startProcessRuntime(options: ProcessRuntimeOptions): Promise<ProcessRuntime> {
  const syscalls = supervisorSyscalls();
  const state = new RuntimeState(options.rootDir);
  await installHelperScripts(state.binDir);
  const privileged = process.getuid?.() === 0;
  let network: NodeNetwork | undefined;
  if (
    options.networking !== "host" &&
    privileged &&
    (await runCommand(["ip", "netns", "list"])).exitCode === 0
  ) {
    const remembered = (await state.loadNetwork())?.podCIDR;
    network = await NodeNetwork.start({
      nodeName: options.nodeName,
      ipamDir: state.ipamDir,
      ...(options.podCIDR !== undefined ? { podCIDR: options.podCIDR } : {}),
      ...(remembered !== undefined ? { remembered } : {}),
    });
    await state.saveNetwork({ podCIDR: network.podCIDR, bridge: network.bridge });
    options.log(`process runtime: netns networking, bridge ${network.bridge}, pod CIDR ${network.podCIDR}`);
  } else {
    options.log(`process runtime: host networking (${privileged ? "asked for" : "not root"})`);
  }
  // The node's pods group (upstream's kubepods), one per root dir: a restarted kubelet finds it again.
  const podsGroup = `kubepods-${createHash("sha1").update(options.rootDir).digest("hex").slice(0, 8)}`;
  const cgroups = privileged ? await CgroupManager.detect(options.log, undefined, podsGroup) : undefined;
  if (!privileged) options.log("process runtime: not root: no cgroups, mounts or runAsUser");
  const runtime = new ProcessRuntimeImpl(options, state, network, cgroups, privileged, syscalls);
  await runtime.adopt();
  return runtime;
}

const newId = () => randomBytes(16).toString("hex");

class ProcessRuntimeImpl implements ProcessRuntime {
  readonly name = "process";
  readonly networking: "netns" | "host";
  readonly nodeIP: string;
  readonly podCIDR: string | undefined;
  private readonly options: ProcessRuntimeOptions;
  private readonly state: RuntimeState;
  private readonly network: NodeNetwork | undefined;
  private readonly cgroups: CgroupManager | undefined;
  private readonly privileged: boolean;
  private readonly syscalls: string;
  private readonly sandboxes = new Map<string, SandboxRecord>();
  /** Sandbox ids by pod uid, in creation order (as listSandboxes lists them). */
  private readonly byUid = new Map<string, Set<string>>();
  private readonly removals = new Map<string, Promise<void>>();
  private readonly containers: ContainerTable;
  private readonly poller: ReturnType<typeof setInterval>;
  private readonly launcher: SupervisorLauncher | undefined;

  constructor(
    options: ProcessRuntimeOptions,
    state: RuntimeState,
    network: NodeNetwork | undefined,
    cgroups: CgroupManager | undefined,
    privileged: boolean,
    syscalls: string,
  ) {
    this.options = options;
    this.state = state;
    this.network = network;
    this.cgroups = cgroups;
    this.privileged = privileged;
    this.syscalls = syscalls;
    this.containers = new ContainerTable(state, cgroups, options.log);
    // KUBE_SUPERVISOR_LAUNCHER=0: spawn each supervisor from the kubelet (the path before the launcher).
    this.launcher =
      process.env.KUBE_SUPERVISOR_LAUNCHER === "0"
        ? undefined
        : new SupervisorLauncher(state.binDir, cgroups?.podsGroupDirs);
    this.networking = network !== undefined ? "netns" : "host";
    this.nodeIP = network?.gateway ?? "127.0.0.1";
    this.podCIDR = network?.podCIDR;
    this.poller = setInterval(() => void this.containers.pollAdopted(), options.pollIntervalMs ?? 250);
  }

  /** Loads what a previous run left: sandboxes, containers (running or ended), IP allocations. */
  async adopt(): Promise<void> {
    const containers = this.containers.entries;
    for (const record of await this.state.loadSandboxes()) this.addSandbox(record);
    for (const record of await this.state.loadContainers()) {
      containers.set(record.id, { record, adopted: true, waiters: [] });
      await this.containers.check(record.id);
    }
    // A directory without a record: a start the previous kubelet did not finish (the record is
    // saved after the launch). Its processes, found by its cgroups, are ended and it goes.
    for (const id of await this.state.containerIds()) {
      if (containers.has(id)) continue;
      await this.cgroups?.killAll(id);
      await this.cgroups?.remove(id);
      await this.state.removeContainer(id);
    }
    await this.network?.releaseOrphans(new Set(this.sandboxes.keys()));
    if (this.sandboxes.size + containers.size > 0) {
      this.options.log(
        `process runtime: adopted ${this.sandboxes.size} sandboxes, ${containers.size} containers`,
      );
    }
  }

  async runSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    for (const id of this.byUid.get(config.uid) ?? []) {
      const existing = this.sandboxes.get(id);
      if (existing !== undefined && sandboxReady(existing)) return sandboxStatus(existing);
    }
    const record = await createSandbox(this.state, this.network, this.nodeIP, newId(), config);
    this.addSandbox(record);
    return sandboxStatus(record);
  }

  async stopSandbox(id: string, gracePeriodSeconds: number): Promise<void> {
    const sandbox = this.sandbox(id);
    const running = [...this.containers.entries.values()].filter((c) => c.record.config.sandboxId === id);
    await Promise.all(running.map((c) => this.stopContainer(c.record.id, gracePeriodSeconds)));
    sandbox.stopped = true;
    // Removed meanwhile (a forced stop): writing it back would bring its directory back.
    if (this.sandboxes.get(id) !== sandbox || this.removals.has(id)) return;
    await this.state.saveSandbox(sandbox);
  }

  /**
   * A pod worker and a second Ctrl-C's killAllPods may remove one sandbox at once: the second
   * call waits for the first instead of detaching the network again.
   */
  removeSandbox(id: string): Promise<void> {
    let removal = this.removals.get(id);
    if (removal === undefined) {
      removal = this.removeSandboxOnce(id).finally(() => this.removals.delete(id));
      this.removals.set(id, removal);
    }
    return removal;
  }

  private async removeSandboxOnce(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (sandbox === undefined) return;
    for (const entry of [...this.containers.entries.values()]) {
      if (entry.record.config.sandboxId === id) await this.removeContainer(entry.record.id);
    }
    if (sandbox.netns !== undefined && sandbox.veth !== undefined && this.network !== undefined) {
      await this.network.detach({ netns: sandbox.netns, veth: sandbox.veth, ip: sandbox.ip });
    }
    await this.state.removeSandbox(id);
    this.sandboxes.delete(id);
    const ids = this.byUid.get(sandbox.uid);
    ids?.delete(id);
    if (ids?.size === 0) this.byUid.delete(sandbox.uid);
  }

  async listSandboxes(): Promise<SandboxStatus[]> {
    return [...this.sandboxes.values()].map((record) => sandboxStatus(record));
  }

  async podSandbox(uid: string): Promise<SandboxStatus | undefined> {
    const ids = this.byUid.get(uid);
    if (ids === undefined) return undefined;
    for (const id of ids) {
      const record = this.sandboxes.get(id);
      if (record !== undefined) return sandboxStatus(record);
    }
    return undefined;
  }

  async startContainer(config: ContainerConfig): Promise<ContainerStatus> {
    const sandbox = this.sandbox(config.sandboxId);
    const deps = {
      rootDir: this.options.rootDir,
      state: this.state,
      containers: this.containers,
      cgroups: this.cgroups,
      privileged: this.privileged,
      syscalls: this.syscalls,
      kubeExecutable: this.options.kubeExecutable ?? [],
      log: this.options.log,
      ...(this.launcher !== undefined ? { launcher: this.launcher } : {}),
    };
    return startContainer(deps, newId(), sandbox, config);
  }

  async stopContainer(id: string, gracePeriodSeconds: number): Promise<void> {
    const entry = this.containers.get(id);
    if (!(await this.containers.check(id))) return;
    const { pid, pidStartTime } = entry.record;
    if (pid !== undefined && (await processAlive(pid, pidStartTime))) signalGroup(pid, "SIGTERM");
    if (await this.containers.waitEnd(entry, gracePeriodSeconds * 1000)) return;
    if (pid !== undefined && (await processAlive(pid, pidStartTime))) signalGroup(pid, "SIGKILL");
    await this.cgroups?.killAll(id);
    if (await this.containers.waitEnd(entry, 10_000)) return;
    this.options.log(`container ${entry.record.config.name} (${id}) did not end after SIGKILL`);
  }

  async removeContainer(id: string): Promise<void> {
    const entry = this.containers.entries.get(id);
    if (entry === undefined) return;
    if (await this.containers.check(id)) await this.stopContainer(id, 0);
    await this.cgroups?.remove(id);
    await this.state.removeContainer(id);
    await rm(entry.record.logPath, { force: true });
    this.containers.entries.delete(id);
  }

  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    return this.containers.statuses(sandboxId);
  }

  async exec(containerId: string, argv: string[], options: ExecOptions): Promise<ExecProcess> {
    const pid = await this.containers.runningPid(containerId, "exec in");
    const config = this.containers.get(containerId).record.config;
    return startExec(
      {
        binDir: this.state.binDir,
        syscalls: this.syscalls,
        cgroupDirs: this.cgroups?.paths(containerId) ?? [],
        pid,
        config,
        privileged: this.privileged,
      },
      // `kubectl exec <kube image pod> -- /hyperkube version` runs this kube, as the start did.
      kubeImageArgv(config.image, argv, this.options.kubeExecutable ?? []),
      options,
    );
  }

  async attach(containerId: string): Promise<ExecProcess> {
    await this.containers.runningPid(containerId, "attach to");
    const entry = this.containers.get(containerId);
    const exited = new Promise<number>((resolve) => {
      const done = () => resolve(entry.end?.exit.exitCode ?? 0);
      if (entry.end !== undefined) done();
      else entry.waiters.push(done);
    });
    return startAttach({
      logPath: entry.record.logPath,
      tty: entry.record.config.tty,
      exited,
      ...(entry.record.config.stdin
        ? { stdinPath: join(this.state.containerDir(containerId), "stdin") }
        : {}),
    });
  }

  async stats(containerId: string): Promise<ContainerStats | undefined> {
    const entry = this.containers.entries.get(containerId);
    if (entry === undefined || entry.end !== undefined || entry.record.pid === undefined) return undefined;
    const usage = (await this.cgroups?.stats(containerId)) ?? (await processGroupUsage(entry.record.pid));
    return usage === undefined ? undefined : { ...usage, timestamp: new Date() };
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    return this.containers.subscribe(listener);
  }

  /** Stops watching; pods keep running. The bridge goes when no sandbox is left (or on request). */
  async close(options: { removeBridge?: boolean } = {}): Promise<void> {
    clearInterval(this.poller);
    await this.launcher?.close();
    this.containers.close();
    await this.cgroups?.close();
    const podsLeft = [...this.sandboxes.values()].some((s) => s.netns !== undefined);
    if (this.network !== undefined && (options.removeBridge === true || !podsLeft)) {
      await this.network.removeBridge();
    }
  }

  private addSandbox(record: SandboxRecord): void {
    this.sandboxes.set(record.id, record);
    const ids = this.byUid.get(record.uid) ?? new Set<string>();
    ids.add(record.id);
    this.byUid.set(record.uid, ids);
  }

  private sandbox(id: string): SandboxRecord {
    const sandbox = this.sandboxes.get(id);
    if (sandbox === undefined) throw new Error(`pod sandbox "${id}" not found`);
    return sandbox;
  }
}
