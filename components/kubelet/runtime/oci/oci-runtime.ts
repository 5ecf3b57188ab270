// The OCI runtime: each container an OCI bundle run by crun (its own rootfs, mount/PID namespaces,
// capabilities, seccomp, cgroup), each pod a pause container plus the process runtime's network
// namespace on the node bridge (CRI RuntimeService over crun; state under <rootDir>/oci survives restarts).

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { release } from "node:os";
import { dirname, join } from "node:path";
import { NodeNetwork } from "../../network/node-network.ts";
import { startAttach } from "../process/attach-process.ts";
import { ContainerTable } from "../process/container-table.ts";
import { createSandbox } from "../process/create-sandbox.ts";
import { processAlive } from "../process/proc-stat.ts";
import { RuntimeState } from "../process/runtime-state.ts";
import { sandboxReady, sandboxStatus } from "../process/sandbox-status.ts";
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
import { CgroupPaths } from "./cgroup-paths.ts";
import { removeRootfs } from "./container-rootfs.ts";
import { CrunCommand, detectCgroupMode } from "./crun-command.ts";
import { MonitorLauncher } from "./monitor-launcher.ts";
import { NodeMonitor } from "./node-monitor.ts";
import { startOciContainer } from "./oci-container-start.ts";
import { recvmsgSyscall, startOciExec } from "./oci-exec.ts";
import type { OciSandboxRecord } from "./oci-sandbox-record.ts";
import { installOciScripts } from "./oci-scripts.ts";
import { monitorSyscalls } from "./oci-syscalls.ts";
import { removePause, sandboxAlive, startPause } from "./pause-container.ts";
import { canPinNamespaces, pinNamespaces } from "./pinned-namespaces.ts";
import { writeResize } from "./resize-fifo.ts";
import { inUserNamespace, usableCgroupMode, userNamespaceProblem } from "./rootless-cgroups.ts";
import { mountSandboxShm, unmountSandboxShm } from "./sandbox-shm.ts";
import { SeccompBpfCache } from "./seccomp-bpf-cache.ts";
import { terminate } from "./term-redelivery.ts";

export interface OciRuntimeOptions {
  /** kubelet --root-dir: state in <rootDir>/oci/runtime, logs in <rootDir>/pods/<uid>/containers. */
  rootDir: string;
  nodeName: string;
  podCIDR?: string;
  log: (line: string) => void;
  /** The crun binary (default: `crun` on PATH). */
  crun?: string;
  pollIntervalMs?: number;
}

export interface OciRuntime extends Runtime {
  close(options?: { removeBridge?: boolean }): Promise<void>;
}

/** Why the OCI runtime cannot run here (not root, no crun, no `ip netns`), or undefined when it can. */
export async function ociUnavailable(crun = "crun"): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "not root";
  if (inUserNamespace()) {
    const problem = userNamespaceProblem(release());
    if (problem !== undefined) return problem;
  }
  if (Bun.which(crun) === null) return `no ${crun} on PATH`;
  if (Bun.which("ip") === null) return "no ip (iproute2) on PATH";
  return undefined;
}

export async function startOciRuntime(options: OciRuntimeOptions): Promise<OciRuntime> {
  const missing = await ociUnavailable(options.crun);
  if (missing !== undefined) throw new Error(`the OCI runtime cannot run: ${missing}`);
  const state = new RuntimeState(join(options.rootDir, "oci"));
  await installOciScripts(state.binDir);
  const crun = new CrunCommand({
    stateRoot: join(state.root, "crun"),
    mode: usableCgroupMode(detectCgroupMode()),
    ...(options.crun !== undefined ? { binary: options.crun } : {}),
  });
  const sealed = await crun.seal();
  const remembered = (await state.loadNetwork())?.podCIDR;
  const network = await NodeNetwork.start({
    nodeName: options.nodeName,
    ipamDir: state.ipamDir,
    ...(options.podCIDR !== undefined ? { podCIDR: options.podCIDR } : {}),
    ...(remembered !== undefined ? { remembered } : {}),
  });
  await state.saveNetwork({ podCIDR: network.podCIDR, bridge: network.bridge });
  options.log(
    `oci runtime: crun (cgroup ${crun.mode === "none" && inUserNamespace() ? "none: in a user namespace, limits are off" : crun.mode}${sealed ? ", sealed copy" : ""}), bridge ${network.bridge}, pod CIDR ${network.podCIDR}`,
  );
  const runtime = new OciRuntimeImpl(options, state, network, crun, new CgroupPaths(crun.mode));
  await runtime.adopt();
  return runtime;
}

const newId = () => randomBytes(16).toString("hex");

class OciRuntimeImpl implements OciRuntime {
  readonly name = "oci";
  readonly networking = "netns" as const;
  readonly nodeIP: string;
  readonly podCIDR: string | undefined;
  private readonly options: OciRuntimeOptions;
  private readonly state: RuntimeState;
  private readonly network: NodeNetwork;
  private readonly crun: CrunCommand;
  private readonly cgroups: CgroupPaths;
  private readonly sandboxes = new Map<string, OciSandboxRecord>();
  private readonly containers: ContainerTable;
  private readonly poller: ReturnType<typeof setInterval>;
  private readonly syscalls = monitorSyscalls();
  private readonly launcher: MonitorLauncher | undefined;
  private readonly nodeMonitor: NodeMonitor | undefined;
  private readonly recvmsg = recvmsgSyscall();
  private readonly seccompBpf: SeccompBpfCache;
  /** When each sandbox's pinned namespaces were last found in place (see alive). */
  private readonly pinsSeen = new WeakMap<OciSandboxRecord, number>();

  constructor(
    options: OciRuntimeOptions,
    state: RuntimeState,
    network: NodeNetwork,
    crun: CrunCommand,
    cgroups: CgroupPaths,
  ) {
    this.options = options;
    this.state = state;
    this.network = network;
    this.crun = crun;
    this.cgroups = cgroups;
    this.seccompBpf = new SeccompBpfCache(crun.stateRoot);
    this.containers = new ContainerTable(state, undefined, options.log);
    // As the process runtime's supervisors (KUBE_SUPERVISOR_LAUNCHER=0: a perl spawned per monitor).
    this.launcher =
      process.env.KUBE_SUPERVISOR_LAUNCHER === "0" ? undefined : new MonitorLauncher(state.binDir);
    // One monitor for the containers without a terminal or stdin (KUBE_OCI_NODE_MONITOR=0: one each).
    this.nodeMonitor =
      process.env.KUBE_OCI_NODE_MONITOR === "0"
        ? undefined
        : new NodeMonitor(
            state.binDir,
            this.syscalls,
            crun.mode === "hybrid",
            dirname(state.containerDir("-")),
          );
    this.nodeMonitor?.prestart();
    this.nodeIP = network.gateway;
    this.podCIDR = network.podCIDR;
    this.poller = setInterval(() => void this.containers.pollAdopted(), options.pollIntervalMs ?? 250);
  }

  /** Loads what a previous run left: sandboxes (with their pause), containers, IP allocations. */
  async adopt(): Promise<void> {
    const containers = this.containers.entries;
    for (const record of (await this.state.loadSandboxes()) as OciSandboxRecord[]) {
      this.sandboxes.set(record.id, record);
    }
    for (const record of await this.state.loadContainers()) {
      containers.set(record.id, { record, adopted: true, waiters: [] });
      await this.containers.check(record.id);
    }
    await this.network.releaseOrphans(new Set(this.sandboxes.keys()));
    if (this.sandboxes.size + containers.size > 0) {
      this.options.log(
        `oci runtime: adopted ${this.sandboxes.size} sandboxes, ${containers.size} containers`,
      );
    }
  }

  private async ready(record: OciSandboxRecord): Promise<boolean> {
    return sandboxReady(record) && (await sandboxAlive(record));
  }

  private async status(record: OciSandboxRecord): Promise<SandboxStatus> {
    const status = sandboxStatus(record);
    if (status.state === "ready" && !(await this.alive(record))) status.state = "notready";
    return status;
  }

  /**
   * sandboxAlive, with pinned namespaces found in place remembered for a second: listSandboxes runs
   * for every new pod, and a statfs of every pod's pins each time made a burst of n pods O(n²).
   */
  private async alive(record: OciSandboxRecord): Promise<boolean> {
    if (record.namespaces === undefined) return sandboxAlive(record);
    const now = performance.now();
    if (now - (this.pinsSeen.get(record) ?? Number.NEGATIVE_INFINITY) < 1000) return true;
    const alive = await sandboxAlive(record);
    if (alive) this.pinsSeen.set(record, now);
    return alive;
  }

  async runSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    for (const existing of this.sandboxes.values()) {
      if (existing.uid === config.uid && (await this.ready(existing))) return this.status(existing);
    }
    const id = newId();
    const record: OciSandboxRecord = await createSandbox(this.state, this.network, this.nodeIP, id, config);
    const dir = this.state.sandboxDir(id);
    try {
      record.hostPID = config.hostPID === true;
      record.hostIPC = config.hostIPC === true;
      record.shareProcessNamespace = config.shareProcessNamespace === true;
      await writeFile(join(dir, "hostname"), `${config.hostname}\n`);
      if (!record.hostIPC) record.shm = await mountSandboxShm(dir);
      // A process holds the pod's namespaces only where one must (a PID 1 to share, hostPID's
      // reaper); else they are pinned: no crun run, no pause process per pod. Not yet in a user
      // namespace (rootless kube): there a restarted server failed to remove such a sandbox (EBUSY).
      if (!record.shareProcessNamespace && !record.hostPID && !inUserNamespace() && canPinNamespaces()) {
        record.namespaces = pinNamespaces(dir, {
          ipc: !record.hostIPC,
          uts: !config.hostNetwork,
          hostname: config.hostname,
        });
      } else await startPause(this.crun, dir, record);
      await this.state.saveSandbox(record);
    } catch (error) {
      await this.removeSandboxRecord(record);
      throw error;
    }
    this.sandboxes.set(id, record);
    return this.status(record);
  }

  async stopSandbox(id: string, gracePeriodSeconds: number): Promise<void> {
    const sandbox = this.sandbox(id);
    const running = [...this.containers.entries.values()].filter((c) => c.record.config.sandboxId === id);
    await Promise.all(running.map((c) => this.stopContainer(c.record.id, gracePeriodSeconds)));
    await removePause(this.crun, this.state.sandboxDir(id), sandbox);
    sandbox.stopped = true;
    await this.state.saveSandbox(sandbox);
  }

  async removeSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (sandbox === undefined) return;
    for (const entry of [...this.containers.entries.values()]) {
      if (entry.record.config.sandboxId === id) await this.removeContainer(entry.record.id);
    }
    await this.removeSandboxRecord(sandbox);
    this.sandboxes.delete(id);
  }

  private async removeSandboxRecord(sandbox: OciSandboxRecord): Promise<void> {
    await removePause(this.crun, this.state.sandboxDir(sandbox.id), sandbox);
    await unmountSandboxShm(this.state.sandboxDir(sandbox.id));
    if (sandbox.netns !== undefined && sandbox.veth !== undefined) {
      await this.network.detach({ netns: sandbox.netns, veth: sandbox.veth, ip: sandbox.ip });
    }
    await this.state.removeSandbox(sandbox.id);
  }

  async listSandboxes(): Promise<SandboxStatus[]> {
    return Promise.all([...this.sandboxes.values()].map((record) => this.status(record)));
  }

  async startContainer(config: ContainerConfig): Promise<ContainerStatus> {
    const sandbox = this.sandbox(config.sandboxId);
    const deps = {
      rootDir: this.options.rootDir,
      state: this.state,
      containers: this.containers,
      crun: this.crun,
      cgroups: this.cgroups,
      binDir: this.state.binDir,
      syscalls: this.syscalls,
      seccompRoot: join(this.options.rootDir, "seccomp"),
      ...(this.launcher !== undefined ? { launcher: this.launcher } : {}),
      ...(this.nodeMonitor !== undefined ? { nodeMonitor: this.nodeMonitor } : {}),
      ...(process.env.KUBE_OCI_SECCOMP_CACHE === "0" ? {} : { seccompBpf: this.seccompBpf }),
    };
    return startOciContainer(deps, newId(), sandbox, config);
  }

  async stopContainer(id: string, gracePeriodSeconds: number): Promise<void> {
    const entry = this.containers.get(id);
    if (!(await this.containers.check(id))) return;
    const { pid, pidStartTime } = entry.record;
    const signal = (name: NodeJS.Signals) => {
      try {
        if (pid !== undefined) process.kill(pid, name);
      } catch {
        // Gone.
      }
    };
    const ended = this.containers.waitEnd(entry, gracePeriodSeconds * 1000);
    // The container's process is its PID namespace's init: a SIGTERM it has no handler for yet is
    // dropped by the kernel, so it is sent again once the handler is there (term-redelivery.ts).
    if (pid !== undefined && (await processAlive(pid, pidStartTime)))
      void terminate(pid, pidStartTime, ended);
    if (await ended) return;
    await this.crun.run(["kill", "--all", id, "KILL"]);
    if (pid !== undefined && (await processAlive(pid, pidStartTime))) signal("SIGKILL");
    if (await this.containers.waitEnd(entry, 10_000)) return;
    this.options.log(`container ${entry.record.config.name} (${id}) did not end after SIGKILL`);
  }

  async removeContainer(id: string): Promise<void> {
    const entry = this.containers.entries.get(id);
    if (entry === undefined) return;
    if (await this.containers.check(id)) await this.stopContainer(id, 0);
    // The monitor deletes crun's container when it ends: no crun (and wrapper) exec then.
    if (existsSync(join(this.crun.stateRoot, id))) await this.crun.run(["delete", "--force", id]);
    await removeRootfs(this.state.containerDir(id));
    await this.state.removeContainer(id);
    await rm(entry.record.logPath, { force: true });
    this.containers.entries.delete(id);
  }

  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    return this.containers.statuses(sandboxId);
  }

  async exec(containerId: string, argv: string[], options: ExecOptions): Promise<ExecProcess> {
    await this.containers.runningPid(containerId, "exec in");
    return startOciExec(
      {
        crun: this.crun,
        id: containerId,
        stateDir: this.state.containerDir(containerId),
        binDir: this.state.binDir,
        recvmsgSyscall: this.recvmsg,
      },
      argv,
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
    const dir = this.state.containerDir(containerId);
    const attached = await startAttach({
      logPath: entry.record.logPath,
      tty: entry.record.config.tty,
      exited,
      ...(entry.record.config.stdin ? { stdinPath: join(dir, "stdin") } : {}),
    });
    if (!entry.record.config.tty) return attached;
    // The monitor sizes the container's pty from the lines written to its resize FIFO.
    return { ...attached, resize: (width, height) => writeResize(join(dir, "resize"), width, height) };
  }

  async stats(containerId: string): Promise<ContainerStats | undefined> {
    const entry = this.containers.entries.get(containerId);
    if (entry === undefined || entry.end !== undefined || entry.record.pid === undefined) return undefined;
    const usage = await this.cgroups.stats(containerId);
    return usage === undefined ? undefined : { ...usage, timestamp: new Date() };
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    return this.containers.subscribe(listener);
  }

  /** Stops watching; pods keep running. The bridge goes when no sandbox is left (or on request). */
  async close(options: { removeBridge?: boolean } = {}): Promise<void> {
    clearInterval(this.poller);
    this.launcher?.close();
    this.nodeMonitor?.close();
    this.containers.close();
    if (options.removeBridge === true || this.sandboxes.size === 0) await this.network.removeBridge();
  }

  private sandbox(id: string): OciSandboxRecord {
    const sandbox = this.sandboxes.get(id);
    if (sandbox === undefined) throw new Error(`pod sandbox "${id}" not found`);
    return sandbox;
  }
}
