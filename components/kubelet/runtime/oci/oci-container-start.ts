// The OCI runtime's container start (CRI CreateContainer + StartContainer): the user, the rootfs,
// the OCI spec, then the monitor that runs `crun run`; failures become CreateContainerError
// (never created: bad user, bad argv) or StartError (crun refused: no such executable).

import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCommand } from "../../network/ip-command.ts";
import { type LaunchResult, launchContainer } from "../process/container-launcher.ts";
import { containerStatus } from "../process/container-status.ts";
import type { ContainerEntry, ContainerTable } from "../process/container-table.ts";
import { defaultPath } from "../process/launch-command.ts";
import { processStartTime } from "../process/proc-stat.ts";
import type { ContainerRecord, RuntimeState } from "../process/runtime-state.ts";
import type { SupervisorLauncher } from "../process/supervisor-launcher.ts";
import type { ContainerConfig, ContainerStatus } from "../runtime.ts";
import type { CgroupPaths } from "./cgroup-paths.ts";
import { prepareRootfs, removeRootfs } from "./container-rootfs.ts";
import { resolveUser, UnknownUserError } from "./container-user.ts";
import type { CrunCommand } from "./crun-command.ts";
import { containerNamespaces } from "./namespaces.ts";
import type { NodeMonitor } from "./node-monitor.ts";
import type { OciSandboxRecord } from "./oci-sandbox-record.ts";
import { buildSpec, type SpecInput } from "./oci-spec.ts";
import { hostToolsProgram } from "./pause-program.ts";
import { mkdirInRootfs, readRootfsFile } from "./rootfs-paths.ts";
import type { SeccompBpfCache } from "./seccomp-bpf-cache.ts";
import { seccompFor } from "./seccomp-choice.ts";

export interface OciStartDeps {
  rootDir: string;
  state: RuntimeState;
  containers: ContainerTable;
  crun: CrunCommand;
  cgroups: CgroupPaths;
  /** Where monitor.pl lives. */
  binDir: string;
  syscalls: string;
  /** Localhost seccomp profiles (`<rootDir>/seccomp`, as the kubelet's --seccomp-profile-root). */
  seccompRoot: string;
  /** Forks the monitors from one long-lived perl (no interpreter start per container); absent: spawn. */
  launcher?: SupervisorLauncher;
  /** Seccomp filters crun already compiled, passed back instead of compiling them again. */
  seccompBpf?: SeccompBpfCache;
  /** The node's monitor for containers without a terminal or stdin; absent: a monitor each. */
  nodeMonitor?: NodeMonitor;
}

/** Runs crun through the node's monitor (no process of the container's own besides crun's). */
async function launchMonitored(
  deps: OciStartDeps & { nodeMonitor: NodeMonitor },
  id: string,
  stateDir: string,
  logPath: string,
): Promise<LaunchResult> {
  const started = await deps.nodeMonitor.start({
    stateDir,
    logPath,
    oomFile: deps.cgroups.oomFile(id),
    crunBinary: deps.crun.binary,
    crunArgv: deps.crun.base,
  });
  const result: LaunchResult = {
    supervisorPid: started.monitorPid,
    supervisorStartTime: started.monitorStartTime,
    supervisorExited: started.exited,
  };
  if (started.startError !== undefined) return { ...result, startError: started.startError };
  result.startedAt = new Date();
  if (started.pid !== undefined) {
    result.pid = started.pid;
    const startTime = await processStartTime(started.pid);
    if (startTime !== undefined) result.pidStartTime = startTime;
  }
  return result;
}

/** The kernel's limit on argv + envp (ARG_MAX with an 8 MiB stack), less what the loader needs. */
const ARG_MAX = 2 * 1024 * 1024;

/** Why the spec cannot become a process at all (CreateContainerError's message), or undefined. */
function argvProblem(config: ContainerConfig, env: string[]): string | undefined {
  const nul = config.argv.findIndex((arg) => arg.includes("\0"));
  if (nul >= 0) return `args[${nul}] contains a NUL byte: invalid argument`;
  const badEnv = env.find((pair) => pair.includes("\0"));
  if (badEnv !== undefined)
    return `environment variable ${badEnv.split("=")[0]} contains a NUL byte: invalid argument`;
  const size = [...config.argv, ...env].reduce((sum, s) => sum + Buffer.byteLength(s) + 1 + 8, 0);
  if (size > ARG_MAX)
    return `exec: "${config.argv[0]}": argument list too long (${size} bytes, the limit is ${ARG_MAX})`;
  return undefined;
}

/** The container's env: the image's, then the pod's (later wins), PATH defaulted. */
function mergedEnv(config: ContainerConfig): string[] {
  const env = new Map<string, string>();
  for (const pair of config.rootfs?.env ?? []) {
    const at = pair.indexOf("=");
    if (at > 0) env.set(pair.slice(0, at), pair.slice(at + 1));
  }
  for (const [name, value] of config.env) env.set(name, value);
  if (!env.has("PATH")) env.set("PATH", defaultPath);
  return [...env].map(([name, value]) => `${name}=${value}`);
}

/** The pod's /dev/shm for a container: the host's with hostIPC, else the sandbox's tmpfs (if any). */
export function sandboxShm(sandbox: OciSandboxRecord): { shm?: { source: string; readOnly: boolean } } {
  if (sandbox.hostIPC === true) return { shm: { source: "/dev/shm", readOnly: false } };
  return sandbox.shm !== undefined ? { shm: { source: sandbox.shm, readOnly: false } } : {};
}

/** The pod spec's CPU and memory limits as buildSpec takes them. */
function cgroupLimits(
  config: Pick<SpecInput, "memoryLimitBytes" | "cpuLimitMillis" | "cpuRequestMillis">,
): Pick<SpecInput, "memoryLimitBytes" | "cpuLimitMillis" | "cpuRequestMillis"> {
  return {
    ...(config.memoryLimitBytes !== undefined ? { memoryLimitBytes: config.memoryLimitBytes } : {}),
    ...(config.cpuLimitMillis !== undefined ? { cpuLimitMillis: config.cpuLimitMillis } : {}),
    ...(config.cpuRequestMillis !== undefined ? { cpuRequestMillis: config.cpuRequestMillis } : {}),
  };
}

export async function startOciContainer(
  deps: OciStartDeps,
  id: string,
  sandbox: OciSandboxRecord,
  config: ContainerConfig,
): Promise<ContainerStatus> {
  const { state, containers } = deps;
  const stateDir = state.containerDir(id);
  const logPath = join(deps.rootDir, "pods", sandbox.uid, "containers", config.name, `${config.attempt}.log`);
  const record: ContainerRecord = { id, config, createdAt: new Date().toISOString(), logPath };
  const entry: ContainerEntry = { record, waiters: [] };
  containers.entries.set(id, entry);
  await mkdir(stateDir, { recursive: true });
  await mkdir(dirname(logPath), { recursive: true });
  await writeFile(logPath, "", { flag: "a" });
  const fail = async (reason: string, message: string) => {
    await removeRootfs(stateDir).catch(() => undefined);
    record.startError = { reason, message, at: new Date().toISOString() };
    await state.saveContainer(record);
    containers.emit({ type: "container-exited", sandboxId: config.sandboxId, containerId: id });
    return containerStatus(record, undefined);
  };
  if (config.argv.length === 0) return fail("StartError", "no command specified");
  const env = mergedEnv(config);
  const problem = argvProblem(config, env);
  if (problem !== undefined) return fail("CreateContainerError", problem);
  const security = config.security ?? {};
  let rootfs: Awaited<ReturnType<typeof prepareRootfs>>;
  try {
    rootfs = await prepareRootfs(stateDir, config.rootfs, config.imageFiles ?? []);
  } catch (error) {
    return fail("CreateContainerError", (error as Error).message);
  }
  let user: ReturnType<typeof resolveUser>;
  try {
    const passwd = rootfs.written?.passwd ?? (await readRootfsFile(rootfs.path, "/etc/passwd"));
    const group = rootfs.written?.group ?? (await readRootfsFile(rootfs.path, "/etc/group"));
    user = resolveUser(
      {
        ...(config.rootfs?.user !== undefined ? { imageUser: config.rootfs.user } : {}),
        ...(config.runAsUser !== undefined ? { runAsUser: config.runAsUser } : {}),
        ...(config.runAsGroup !== undefined ? { runAsGroup: config.runAsGroup } : {}),
        ...(security.supplementalGroups !== undefined
          ? { supplementalGroups: security.supplementalGroups }
          : {}),
        ...(security.fsGroup !== undefined ? { fsGroup: security.fsGroup } : {}),
      },
      passwd,
      group,
    );
  } catch (error) {
    if (!(error instanceof UnknownUserError)) throw error;
    return fail("CreateContainerError", error.message);
  }
  if (security.runAsNonRoot === true && user.uid === 0) {
    // kuberuntime_container.go verifyRunAsNonRoot.
    return fail(
      "CreateContainerConfigError",
      config.runAsUser === 0
        ? "container's runAsUser breaks non-root policy"
        : "container has runAsNonRoot and image will run as root",
    );
  }
  const cwd = config.workingDir ?? config.rootfs?.workingDir ?? "/";
  try {
    await mkdirInRootfs(rootfs.path, cwd);
  } catch (error) {
    return fail("CreateContainerError", (error as Error).message);
  }
  let seccomp: ReturnType<typeof seccompFor>;
  try {
    seccomp = seccompFor(security, deps.seccompRoot);
  } catch (error) {
    return fail("CreateContainerError", (error as Error).message);
  }
  const sandboxDir = state.sandboxDir(sandbox.id);
  const userPaths = new Set(config.mounts.map((m) => m.containerPath));
  const binds = [
    ...rootfs.binds,
    ...(userPaths.has("/etc/hostname") || sandbox.hostNetwork
      ? []
      : [{ source: join(sandboxDir, "hostname"), destination: "/etc/hostname", readOnly: false }]),
    ...config.mounts.map((m) => ({ source: m.hostPath, destination: m.containerPath, readOnly: m.readOnly })),
  ];
  const cgroupsPath = deps.cgroups.cgroupsPath(id);
  let args = config.argv;
  try {
    if (config.rootfs === undefined) args = await hostToolsProgram(config.argv, rootfs.path);
  } catch (error) {
    return fail("CreateContainerError", (error as Error).message);
  }
  const spec = buildSpec({
    args,
    env,
    cwd,
    user,
    rootfs: rootfs.path,
    readonlyRootfs: security.readOnlyRootFilesystem === true,
    privileged: security.privileged === true,
    ...(security.capabilities !== undefined ? { capabilities: security.capabilities } : {}),
    ...(security.allowPrivilegeEscalation !== undefined
      ? { allowPrivilegeEscalation: security.allowPrivilegeEscalation }
      : {}),
    ...(seccomp !== undefined ? { seccomp } : {}),
    namespaces: containerNamespaces(
      sandbox,
      config.targetContainerId ? containers.entries.get(config.targetContainerId)?.record.pid : undefined,
    ),
    binds,
    ...(cgroupsPath !== undefined ? { cgroupsPath } : {}),
    terminal: config.tty,
    ...sandboxShm(sandbox),
    // Without a cgroup (rootless kube without a delegated subtree) no limit applies: none in the spec.
    ...(cgroupsPath !== undefined ? cgroupLimits(config) : {}),
  });
  const profile = spec.linux.seccomp;
  const compiled = profile === undefined ? undefined : deps.seccompBpf?.annotation(profile);
  if (compiled !== undefined) spec.annotations = { ...spec.annotations, ...compiled };
  await writeFile(join(stateDir, "config.json"), JSON.stringify(spec));
  const fifos = [...(config.stdin ? ["stdin"] : []), ...(config.tty ? ["resize"] : [])];
  if (fifos.length > 0) {
    const made = await runCommand(["mkfifo", "-m", "600", ...fifos.map((name) => join(stateDir, name))]);
    if (made.exitCode !== 0)
      return fail("CreateContainerError", `cannot create the stdin FIFO: ${made.stderr.trim()}`);
  }
  await state.saveContainer(record);
  const argv = [
    "perl",
    join(deps.binDir, "monitor.pl"),
    stateDir,
    logPath,
    config.stdin ? "1" : "0",
    // sockaddr_un holds 107 bytes: a short path, not one under the (deep) state dir.
    config.tty ? join(tmpdir(), `kube-console-${id.slice(0, 16)}.sock`) : "",
    deps.syscalls,
    deps.crun.mode === "hybrid" ? "1" : "0",
    deps.cgroups.oomFile(id),
    deps.crun.binary,
    "--",
    ...deps.crun.base,
  ];
  const { nodeMonitor } = deps;
  const launched =
    nodeMonitor !== undefined && !config.stdin && !config.tty && nodeMonitor.available
      ? await launchMonitored({ ...deps, nodeMonitor }, id, stateDir, logPath)
      : await launchContainer(state, id, argv, deps.launcher);
  record.supervisorPid = launched.supervisorPid;
  if (launched.supervisorStartTime !== undefined) record.supervisorStartTime = launched.supervisorStartTime;
  if (launched.pid !== undefined) record.pid = launched.pid;
  if (launched.pidStartTime !== undefined) record.pidStartTime = launched.pidStartTime;
  if (launched.startError === undefined) record.startedAt = (launched.startedAt ?? new Date()).toISOString();
  // The first start with this profile: keep what crun compiled (its file goes with the container).
  if (launched.startError === undefined && profile !== undefined && compiled === undefined)
    await deps.seccompBpf?.learn(profile, id);
  await state.saveContainer(record);
  launched.supervisorExited.then(() => containers.check(id));
  await containers.check(id);
  if (launched.startError !== undefined && entry.end?.startError === undefined) {
    return fail("StartError", launched.startError);
  }
  return containerStatus(record, entry.end);
}
