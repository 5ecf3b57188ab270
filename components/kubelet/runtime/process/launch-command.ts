// Builds the argv that starts a container: one Perl supervisor told (as root) the pod's netns, a
// private mount and UTS namespace, the mounts, cwd, user and exact env in which to exec the argv.

import { join } from "node:path";
import { PAUSE_SCRIPT } from "../../images/embedded/pause.ts";
import type { ContainerConfig, Mount } from "../runtime.ts";

export const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface LaunchSpec {
  /** Where supervisor.pl lives. */
  binDir: string;
  /** Syscall numbers for this architecture (see linux-syscalls.ts). */
  syscalls: string;
  /** The container's state directory. */
  stateDir: string;
  logPath: string;
  cgroupDirs: string[];
  config: ContainerConfig;
  /** `ip netns` name of the pod; undefined shares the host's network. */
  netns?: string;
  /** The pod's hostname, set in a UTS namespace of the container's own (absent: the host's). */
  hostname?: string;
  /** Files bind-mounted at /etc/hosts and /etc/resolv.conf (unless the pod mounts its own). */
  hostsFile?: string;
  resolvConf?: string;
  /** Root: namespaces, mounts and runAsUser are available. Otherwise the argv runs plainly. */
  privileged: boolean;
}

/** The PATH the container's argv[0] is looked up in: the pod's last PATH, or the default. */
export function containerPath(env: Array<[string, string]>): string {
  return env.findLast(([name]) => name === "PATH")?.[1] ?? defaultPath;
}

/** The container's own env: exactly the pod's entries, plus PATH when the pod sets none. */
export function containerEnv(env: Array<[string, string]>): string[] {
  const pairs = env.map(([name, value]) => `${name}=${value}`);
  return env.some(([name]) => name === "PATH") ? pairs : [`PATH=${defaultPath}`, ...pairs];
}

function podMounts(spec: LaunchSpec): Mount[] {
  const mounts: Mount[] = [];
  const userPaths = new Set(spec.config.mounts.map((mount) => mount.containerPath));
  if (spec.hostsFile !== undefined && !userPaths.has("/etc/hosts")) {
    mounts.push({ hostPath: spec.hostsFile, containerPath: "/etc/hosts", readOnly: false });
  }
  if (spec.resolvConf !== undefined && !userPaths.has("/etc/resolv.conf")) {
    mounts.push({ hostPath: spec.resolvConf, containerPath: "/etc/resolv.conf", readOnly: false });
  }
  return [...mounts, ...spec.config.mounts];
}

/**
 * The pause image's argv (`sh -c <PAUSE_SCRIPT>`): the supervisor's child then pauses itself,
 * as upstream's /pause does, instead of exec'ing sh, which forks a sleep (two execs and a fork:
 * in a 100-pod start, sh and sleep were a fifth of all CPU).
 */
function isPause(argv: string[]): boolean {
  return argv.length === 3 && argv[0] === "/bin/sh" && argv[1] === "-c" && argv[2] === PAUSE_SCRIPT;
}

/** The full argv to spawn (the supervisor makes its own session) for one container start. */
export function launchCommand(spec: LaunchSpec): string[] {
  const { config, privileged } = spec;
  const mounts = privileged ? podMounts(spec) : [];
  const env = containerEnv(config.env);
  return [
    "perl",
    join(spec.binDir, "supervisor.pl"),
    spec.stateDir,
    spec.logPath,
    config.stdin ? "1" : "0",
    config.tty ? "1" : "0",
    spec.cgroupDirs.join(":"),
    spec.syscalls,
    privileged ? (spec.netns ?? "") : "",
    privileged ? "1" : "0",
    privileged ? (spec.hostname ?? "") : "",
    config.workingDir ?? "",
    privileged && config.runAsUser !== undefined ? `${config.runAsUser}` : "",
    privileged && config.runAsGroup !== undefined ? `${config.runAsGroup}` : "",
    containerPath(config.env),
    `${mounts.length}`,
    ...mounts.flatMap((m) => [m.hostPath, m.containerPath, m.readOnly ? "ro" : "rw"]),
    `${env.length}`,
    ...env,
    isPause(config.argv) ? "--pause" : "--",
    ...config.argv,
  ];
}
