// The process runtime's container start (CRI CreateContainer + StartContainer): state and log
// files, the stdin FIFO, cgroup limits, then the supervisor launch; failures become StartError.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runCommand } from "../../network/ip-command.ts";
import type { ContainerConfig, ContainerStatus } from "../runtime.ts";
import type { CgroupManager } from "./container-cgroup.ts";
import { launchContainer } from "./container-launcher.ts";
import { containerStatus } from "./container-status.ts";
import type { ContainerEntry, ContainerTable } from "./container-table.ts";
import { kubeImageArgv } from "./kube-image-argv.ts";
import { launchCommand } from "./launch-command.ts";
import type { ContainerRecord, RuntimeState, SandboxRecord } from "./runtime-state.ts";
import { sandboxEtcFiles } from "./sandbox-etc-files.ts";
import type { SupervisorLauncher } from "./supervisor-launcher.ts";

export interface ContainerStartDeps {
  rootDir: string;
  state: RuntimeState;
  containers: ContainerTable;
  cgroups: CgroupManager | undefined;
  privileged: boolean;
  syscalls: string;
  /** How to run this kube (the kube image's `/hyperkube apiserver ...`); empty: not mapped. */
  kubeExecutable: string[];
  log: (line: string) => void;
  /** The node's supervisor launcher (absent: a spawn per container). */
  launcher?: SupervisorLauncher;
}

/** Starts one container of `sandbox` under a new id; a failure is reported in the status, not thrown. */
export async function startContainer(
  deps: ContainerStartDeps,
  id: string,
  sandbox: SandboxRecord,
  config: ContainerConfig,
): Promise<ContainerStatus> {
  const { state, containers } = deps;
  const stateDir = state.containerDir(id);
  const logPath = join(deps.rootDir, "pods", sandbox.uid, "containers", config.name, `${config.attempt}.log`);
  const record: ContainerRecord = { id, config, createdAt: new Date().toISOString(), logPath };
  const entry: ContainerEntry = { record, waiters: [] };
  containers.entries.set(id, entry);
  // Synchronous: small local files (see runtime-state.ts's writeJson).
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(dirname(logPath), { recursive: true });
  writeFileSync(logPath, "", { flag: "a" });
  const fail = async (message: string) => {
    record.startError = { reason: "StartError", message, at: new Date().toISOString() };
    await state.saveContainer(record);
    containers.emit({ type: "container-exited", sandboxId: config.sandboxId, containerId: id });
    return containerStatus(record, undefined);
  };
  if (config.argv.length === 0) return fail("no command specified");
  if (config.stdin) {
    const made = await runCommand(["mkfifo", "-m", "600", join(stateDir, "stdin")]);
    if (made.exitCode !== 0) return fail(`cannot create the stdin FIFO: ${made.stderr.trim()}`);
  }
  let cgroupDirs: string[] = [];
  try {
    cgroupDirs = (await deps.cgroups?.create(id, config)) ?? [];
  } catch (error) {
    deps.log(`container ${config.name}: cgroup limits not applied: ${(error as Error).message}`);
  }
  // The record is saved once, after the launch (one file created, no temp file and rename); a
  // kubelet that dies in between leaves a directory without a record, whose processes a
  // restarted kubelet ends (ProcessRuntime's adopt: orphaned container directories).
  const argv = launchCommand({
    binDir: state.binDir,
    syscalls: deps.syscalls,
    stateDir,
    logPath,
    cgroupDirs,
    config: { ...config, argv: kubeImageArgv(config.image, config.argv, deps.kubeExecutable) },
    privileged: deps.privileged,
    ...sandboxEtcFiles(state.sandboxDir(sandbox.id), sandbox, config.mounts),
    ...(sandbox.netns !== undefined ? { netns: sandbox.netns } : {}),
    ...(!sandbox.hostNetwork ? { hostname: sandbox.hostname } : {}),
  });
  const launched = await launchContainer(state, id, argv, deps.launcher);
  record.supervisorPid = launched.supervisorPid;
  if (launched.supervisorStartTime !== undefined) record.supervisorStartTime = launched.supervisorStartTime;
  if (launched.pid !== undefined) record.pid = launched.pid;
  if (launched.pidStartTime !== undefined) record.pidStartTime = launched.pidStartTime;
  if (launched.startError === undefined) record.startedAt = (launched.startedAt ?? new Date()).toISOString();
  await state.saveContainer(record);
  // Still running after its "end": the launcher died, so its end is found by polling as after a restart.
  launched.supervisorExited.then(async (code) => {
    // A one-process pause (its supervisor is the container) killed by a signal recorded no end.
    if (!Number.isNaN(code) && record.pid !== undefined && record.pid === record.supervisorPid) {
      try {
        state.writeExit(id, code);
      } catch (error) {
        deps.log(`container ${config.name}: cannot record its exit: ${(error as Error).message}`);
      }
    }
    if (await containers.check(id)) entry.adopted = true;
  });
  await containers.check(id);
  if (launched.startError !== undefined && entry.end?.startError === undefined)
    return fail(launched.startError);
  return containerStatus(record, entry.end);
}
