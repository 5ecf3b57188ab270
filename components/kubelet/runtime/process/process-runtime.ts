// The process runtime: pods as real Linux processes, one network namespace per pod on a node bridge
// (CRI RuntimeService semantics over supervisor processes; state under <rootDir>/runtime survives restarts).

import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
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
import { launchContainer } from "./container-launcher.ts";
import { type ContainerEnd, containerStatus } from "./container-status.ts";
import { startExec } from "./exec-process.ts";
import { installHelperScripts } from "./helper-scripts.ts";
import { launchCommand } from "./launch-command.ts";
import { supervisorSyscalls } from "./linux-syscalls.ts";
import { processAlive, processGroupUsage, signalGroup } from "./proc-stat.ts";
import { type ContainerRecord, RuntimeState, type SandboxRecord } from "./runtime-state.ts";
import { sandboxReady, sandboxStatus } from "./sandbox-status.ts";

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
}

interface ContainerEntry {
  record: ContainerRecord;
  /** Left by a previous run: its supervisor is not our child, so its end is found by polling. */
  adopted?: boolean;
  end?: ContainerEnd;
  waiters: Array<() => void>;
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
  const cgroups = privileged ? await CgroupManager.detect(options.log) : undefined;
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
  readonly #options: ProcessRuntimeOptions;
  readonly #state: RuntimeState;
  readonly #network: NodeNetwork | undefined;
  readonly #cgroups: CgroupManager | undefined;
  readonly #privileged: boolean;
  readonly #syscalls: string;
  readonly #sandboxes = new Map<string, SandboxRecord>();
  readonly #containers = new Map<string, ContainerEntry>();
  readonly #listeners = new Set<(event: RuntimeEvent) => void>();
  readonly #poller: ReturnType<typeof setInterval>;

  constructor(
    options: ProcessRuntimeOptions,
    state: RuntimeState,
    network: NodeNetwork | undefined,
    cgroups: CgroupManager | undefined,
    privileged: boolean,
    syscalls: string,
  ) {
    this.#options = options;
    this.#state = state;
    this.#network = network;
    this.#cgroups = cgroups;
    this.#privileged = privileged;
    this.#syscalls = syscalls;
    this.networking = network !== undefined ? "netns" : "host";
    this.nodeIP = network?.gateway ?? "127.0.0.1";
    this.podCIDR = network?.podCIDR;
    this.#poller = setInterval(() => void this.#pollAll(), options.pollIntervalMs ?? 250);
  }

  /** Loads what a previous run left: sandboxes, containers (running or ended), IP allocations. */
  async adopt(): Promise<void> {
    for (const record of await this.#state.loadSandboxes()) this.#sandboxes.set(record.id, record);
    for (const record of await this.#state.loadContainers()) {
      this.#containers.set(record.id, { record, adopted: true, waiters: [] });
      await this.#check(record.id);
    }
    await this.#network?.releaseOrphans(new Set(this.#sandboxes.keys()));
    if (this.#sandboxes.size + this.#containers.size > 0) {
      this.#options.log(
        `process runtime: adopted ${this.#sandboxes.size} sandboxes, ${this.#containers.size} containers`,
      );
    }
  }

  async runSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    for (const existing of this.#sandboxes.values()) {
      if (existing.uid === config.uid && sandboxReady(existing)) return sandboxStatus(existing);
    }
    const id = newId();
    const dir = this.#state.sandboxDir(id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "hosts"), config.hostsFile);
    await writeFile(join(dir, "resolv.conf"), config.resolvConf);
    const record: SandboxRecord = {
      id,
      uid: config.uid,
      name: config.name,
      namespace: config.namespace,
      hostname: config.hostname,
      hostNetwork: config.hostNetwork,
      ip: this.nodeIP,
      createdAt: new Date().toISOString(),
      labels: config.labels,
    };
    try {
      if (!config.hostNetwork && this.#network !== undefined) {
        const attachment = await this.#network.attach(id, config.namespace, config.name);
        Object.assign(record, attachment);
      }
      await this.#state.saveSandbox(record);
    } catch (error) {
      await this.#state.removeSandbox(id);
      throw error;
    }
    this.#sandboxes.set(id, record);
    return sandboxStatus(record);
  }

  async stopSandbox(id: string, gracePeriodSeconds: number): Promise<void> {
    const sandbox = this.#sandbox(id);
    const running = [...this.#containers.values()].filter((c) => c.record.config.sandboxId === id);
    await Promise.all(running.map((c) => this.stopContainer(c.record.id, gracePeriodSeconds)));
    sandbox.stopped = true;
    await this.#state.saveSandbox(sandbox);
  }

  async removeSandbox(id: string): Promise<void> {
    const sandbox = this.#sandboxes.get(id);
    if (sandbox === undefined) return;
    for (const entry of [...this.#containers.values()]) {
      if (entry.record.config.sandboxId === id) await this.removeContainer(entry.record.id);
    }
    if (sandbox.netns !== undefined && sandbox.veth !== undefined && this.#network !== undefined) {
      await this.#network.detach({ netns: sandbox.netns, veth: sandbox.veth, ip: sandbox.ip });
    }
    await this.#state.removeSandbox(id);
    this.#sandboxes.delete(id);
  }

  async listSandboxes(): Promise<SandboxStatus[]> {
    return [...this.#sandboxes.values()].map((record) => sandboxStatus(record));
  }

  async startContainer(config: ContainerConfig): Promise<ContainerStatus> {
    const sandbox = this.#sandbox(config.sandboxId);
    const id = newId();
    const stateDir = this.#state.containerDir(id);
    const logPath = join(
      this.#options.rootDir,
      "pods",
      sandbox.uid,
      "containers",
      config.name,
      `${config.attempt}.log`,
    );
    const record: ContainerRecord = { id, config, createdAt: new Date().toISOString(), logPath };
    const entry: ContainerEntry = { record, waiters: [] };
    this.#containers.set(id, entry);
    await mkdir(stateDir, { recursive: true });
    await mkdir(dirname(logPath), { recursive: true });
    await writeFile(logPath, "", { flag: "a" });
    const fail = async (message: string) => {
      record.startError = { reason: "StartError", message, at: new Date().toISOString() };
      await this.#state.saveContainer(record);
      this.#emit({ type: "container-exited", sandboxId: config.sandboxId, containerId: id });
      return containerStatus(record, undefined);
    };
    if (config.argv.length === 0) return fail("no command specified");
    if (config.stdin) {
      const made = await runCommand(["mkfifo", "-m", "600", join(stateDir, "stdin")]);
      if (made.exitCode !== 0) return fail(`cannot create the stdin FIFO: ${made.stderr.trim()}`);
    }
    let cgroupDirs: string[] = [];
    try {
      cgroupDirs = (await this.#cgroups?.create(id, config)) ?? [];
    } catch (error) {
      this.#options.log(`container ${config.name}: cgroup limits not applied: ${(error as Error).message}`);
    }
    await this.#state.saveContainer(record);
    const argv = launchCommand({
      binDir: this.#state.binDir,
      syscalls: this.#syscalls,
      stateDir,
      logPath,
      cgroupDirs,
      config,
      privileged: this.#privileged,
      hostsFile: join(this.#state.sandboxDir(sandbox.id), "hosts"),
      resolvConf: join(this.#state.sandboxDir(sandbox.id), "resolv.conf"),
      ...(sandbox.netns !== undefined ? { netns: sandbox.netns } : {}),
      ...(!sandbox.hostNetwork ? { hostname: sandbox.hostname } : {}),
    });
    const launched = await launchContainer(this.#state, id, argv);
    record.supervisorPid = launched.supervisorPid;
    if (launched.supervisorStartTime !== undefined) record.supervisorStartTime = launched.supervisorStartTime;
    if (launched.pid !== undefined) record.pid = launched.pid;
    if (launched.pidStartTime !== undefined) record.pidStartTime = launched.pidStartTime;
    if (launched.startError === undefined)
      record.startedAt = (launched.startedAt ?? new Date()).toISOString();
    await this.#state.saveContainer(record);
    launched.supervisorExited.then(() => this.#check(id));
    await this.#check(id);
    if (launched.startError !== undefined && entry.end?.startError === undefined)
      return fail(launched.startError);
    return containerStatus(record, entry.end);
  }

  async stopContainer(id: string, gracePeriodSeconds: number): Promise<void> {
    const entry = this.#container(id);
    if (!(await this.#check(id))) return;
    const { pid, pidStartTime } = entry.record;
    if (pid !== undefined && (await processAlive(pid, pidStartTime))) signalGroup(pid, "SIGTERM");
    if (await this.#waitEnd(entry, gracePeriodSeconds * 1000)) return;
    if (pid !== undefined && (await processAlive(pid, pidStartTime))) signalGroup(pid, "SIGKILL");
    await this.#cgroups?.killAll(id);
    if (await this.#waitEnd(entry, 10_000)) return;
    this.#options.log(`container ${entry.record.config.name} (${id}) did not end after SIGKILL`);
  }

  async removeContainer(id: string): Promise<void> {
    const entry = this.#containers.get(id);
    if (entry === undefined) return;
    if (await this.#check(id)) await this.stopContainer(id, 0);
    await this.#cgroups?.remove(id);
    await this.#state.removeContainer(id);
    await rm(entry.record.logPath, { force: true });
    this.#containers.delete(id);
  }

  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    return [...this.#containers.values()]
      .filter((entry) => sandboxId === undefined || entry.record.config.sandboxId === sandboxId)
      .map((entry) => containerStatus(entry.record, entry.end));
  }

  async exec(containerId: string, argv: string[], options: ExecOptions): Promise<ExecProcess> {
    const pid = await this.#runningPid(containerId, "exec in");
    return startExec(
      {
        binDir: this.#state.binDir,
        syscalls: this.#syscalls,
        cgroupDirs: this.#cgroups?.paths(containerId) ?? [],
        pid,
        config: this.#container(containerId).record.config,
        privileged: this.#privileged,
      },
      argv,
      options,
    );
  }

  async attach(containerId: string): Promise<ExecProcess> {
    await this.#runningPid(containerId, "attach to");
    const entry = this.#container(containerId);
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
        ? { stdinPath: join(this.#state.containerDir(containerId), "stdin") }
        : {}),
    });
  }

  async stats(containerId: string): Promise<ContainerStats | undefined> {
    const entry = this.#containers.get(containerId);
    if (entry === undefined || entry.end !== undefined || entry.record.pid === undefined) return undefined;
    const usage = (await this.#cgroups?.stats(containerId)) ?? (await processGroupUsage(entry.record.pid));
    return usage === undefined ? undefined : { ...usage, timestamp: new Date() };
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops watching; pods keep running. The bridge goes when no sandbox is left (or on request). */
  async close(options: { removeBridge?: boolean } = {}): Promise<void> {
    clearInterval(this.#poller);
    this.#emit({ type: "closed" });
    this.#listeners.clear();
    const podsLeft = [...this.#sandboxes.values()].some((s) => s.netns !== undefined);
    if (this.#network !== undefined && (options.removeBridge === true || !podsLeft)) {
      await this.#network.removeBridge();
    }
  }

  // --- internals ---

  #sandbox(id: string): SandboxRecord {
    const sandbox = this.#sandboxes.get(id);
    if (sandbox === undefined) throw new Error(`pod sandbox "${id}" not found`);
    return sandbox;
  }

  #container(id: string): ContainerEntry {
    const entry = this.#containers.get(id);
    if (entry === undefined) throw new Error(`container "${id}" not found`);
    return entry;
  }

  async #runningPid(id: string, verb: string): Promise<number> {
    const entry = this.#container(id);
    const running = await this.#check(id);
    if (!running || entry.record.pid === undefined) {
      throw new Error(`cannot ${verb} container "${entry.record.config.name}": it is not running`);
    }
    return entry.record.pid;
  }

  /** Polls (with a deadline) until the container's end is known; true when it ended. */
  async #waitEnd(entry: ContainerEntry, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!(await this.#check(entry.record.id))) return true;
      if (Date.now() >= deadline) return false;
      await Bun.sleep(Math.min(20, Math.max(1, deadline - Date.now())));
    }
  }

  async #pollAll(): Promise<void> {
    for (const [id, entry] of this.#containers) {
      if (entry.adopted === true && entry.end === undefined) await this.#check(id);
    }
  }

  /** Refreshes one container's end from the state files; true while it still runs. */
  async #check(id: string): Promise<boolean> {
    const entry = this.#containers.get(id);
    if (entry === undefined) return false;
    if (entry.end !== undefined || entry.record.startError !== undefined) return false;
    const { record } = entry;
    if (record.supervisorPid === undefined) return true; // Still being started.
    let exit = await this.#state.readExit(id);
    let lost: string | undefined;
    if (exit === undefined) {
      if (await processAlive(record.supervisorPid, record.supervisorStartTime)) return true;
      exit = await this.#state.readExit(id); // It may have written the file just before ending.
      if (exit === undefined) {
        if (record.pid !== undefined && (await processAlive(record.pid, record.pidStartTime))) {
          signalGroup(record.pid, "SIGKILL");
        }
        lost = "the container's supervisor ended without recording an exit status";
        exit = { exitCode: 255, oomKills: 0, finishedAt: new Date() };
      }
    }
    const start = await this.#state.readContainerFile(id, "start");
    // No await from here to the emit: a concurrent check (poller, stop) must not report twice.
    if (entry.end !== undefined) return false;
    entry.end = { exit };
    if (start?.startsWith("error ")) entry.end.startError = start.slice("error ".length);
    if (lost !== undefined) entry.end.lost = lost;
    for (const waiter of entry.waiters.splice(0)) waiter();
    this.#emit({ type: "container-exited", sandboxId: record.config.sandboxId, containerId: id });
    await this.#cgroups?.remove(id);
    return false;
  }

  #emit(event: RuntimeEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#options.log(`runtime event listener failed: ${(error as Error).message}`);
      }
    }
  }
}
