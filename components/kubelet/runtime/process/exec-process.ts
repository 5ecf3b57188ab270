// `kubectl exec` and exec probes: a process started in a running container's cgroups and namespaces
// (net, mount, UTS) with the container's user, env and working directory, through enter.pl.

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { join } from "node:path";
import type { ContainerConfig, ExecOptions, ExecProcess } from "../runtime.ts";
import { containerEnv, defaultPath } from "./launch-command.ts";

export interface ExecTarget {
  /** Where enter.pl lives. */
  binDir: string;
  /** Syscall numbers for this architecture (see linux-syscalls.ts). */
  syscalls: string;
  /** The container's cgroup directories, which the process joins (its limits and stats cover it). */
  cgroupDirs: string[];
  /** The container's pid (its namespaces are entered). */
  pid: number;
  config: ContainerConfig;
  /** Root: enter namespaces and switch user; otherwise run on the host as the kubelet's user. */
  privileged: boolean;
}

/** Exit code as a shell reports it: the code, or 128 + the signal number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal !== null ? (constants.signals[signal] ?? 0) : 0);
}

/** The argv run for an exec (tty merges stderr into stdout: there is no pty). */
export function execCommand(target: ExecTarget, argv: string[], tty: boolean): string[] {
  const { config, privileged } = target;
  const env = containerEnv(config.env);
  return [
    "perl",
    join(target.binDir, "enter.pl"),
    target.syscalls,
    privileged ? `${target.pid}` : "",
    target.cgroupDirs.join(":"),
    privileged ? (config.workingDir ?? "/") : "",
    privileged && config.runAsUser !== undefined ? `${config.runAsUser}` : "",
    privileged && config.runAsGroup !== undefined ? `${config.runAsGroup}` : "",
    tty ? "1" : "0",
    `${env.length}`,
    ...env,
    "--",
    ...argv,
  ];
}

export function startExec(target: ExecTarget, argv: string[], options: ExecOptions): ExecProcess {
  if (argv.length === 0) throw new Error("exec needs a command");
  const [command = "", ...args] = execCommand(target, argv, options.tty);
  const child = spawn(command, args, {
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", options.tty ? "ignore" : "pipe"],
    env: { PATH: defaultPath },
    cwd: target.privileged ? "/" : (target.config.workingDir ?? "/"),
    // Its own process group, so kill() and the timeout reach everything the command started.
    detached: true,
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exited = new Promise<number>((resolve) => {
    child.once("error", () => resolve(126));
    child.once("exit", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve(exitCodeOf(code, signal));
    });
  });
  if (options.timeoutMs !== undefined) timer = setTimeout(() => killGroup("SIGKILL"), options.timeoutMs);
  if (child.stdout === null) throw new Error("exec: no stdout pipe");
  return {
    stdin: child.stdin ?? undefined,
    stdout: child.stdout,
    stderr: options.tty ? undefined : (child.stderr ?? undefined),
    exited,
    resize: () => undefined,
    kill: (signal = "SIGKILL") => killGroup(signal),
  };
}
