// `kubectl exec` and exec probes in an OCI container: `crun exec` with the container's own process
// settings (user, env, cwd, capabilities, no_new_privs) and a new argv; with a tty, crun's pty
// master reaches exec-tty.pl over --console-socket and window sizes go to it on fd 3. A tty exec
// starts once the client's first window size arrives (at most 1 s), as process.consoleSize, so the
// command never sees a 0x0 terminal (busybox's stty printed "stty: standard input" then).

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, type Writable } from "node:stream";
import { exitCodeOf } from "../process/exec-process.ts";
import { defaultPath } from "../process/launch-command.ts";
import type { ExecOptions, ExecProcess } from "../runtime.ts";
import type { CrunCommand } from "./crun-command.ts";
import type { OciProcess, OciSpec } from "./oci-spec.ts";

export interface OciExecTarget {
  crun: CrunCommand;
  /** crun's id of the container (also its state directory's name). */
  id: string;
  stateDir: string;
  /** Where exec-tty.pl lives. */
  binDir: string;
  recvmsgSyscall: number;
}

const recvmsg: Record<string, number> = { x64: 47, arm64: 212 };

/** recvmsg's syscall number on this architecture (exec-tty.pl receives the pty master with it). */
export function recvmsgSyscall(arch: string = process.arch): number {
  const nr = recvmsg[arch];
  if (nr === undefined) throw new Error(`the OCI runtime knows no recvmsg syscall number for ${arch}`);
  return nr;
}

/** How long a tty exec waits for the client's first window size before starting without one. */
const FIRST_SIZE_WAIT_MS = 1000;

export async function startOciExec(
  target: OciExecTarget,
  argv: string[],
  options: ExecOptions,
): Promise<ExecProcess> {
  if (argv.length === 0) throw new Error("exec needs a command");
  if (argv.some((arg) => arg.includes("\0"))) throw new Error("exec: an argument contains a NUL byte");
  const spec = JSON.parse(await readFile(join(target.stateDir, "config.json"), "utf8")) as OciSpec;
  if (!options.tty) return launchExec(target, { ...spec.process, args: argv, terminal: false }, options);
  return sizedTtyExec((size) => {
    const consoleSize = size === undefined ? {} : { consoleSize: { width: size.width, height: size.height } };
    return launchExec(target, { ...spec.process, args: argv, terminal: true, ...consoleSize }, options);
  }, options.stdin);
}

interface WindowSize {
  width: number;
  height: number;
}

/**
 * A tty exec whose launch waits for the first resize (or FIRST_SIZE_WAIT_MS): streams, resizes
 * and a kill before the launch are held and handed over to the launched process.
 */
function sizedTtyExec(
  launch: (size: WindowSize | undefined) => Promise<ExecProcess>,
  withStdin: boolean,
): ExecProcess {
  const stdin = withStdin ? new PassThrough() : undefined;
  const stdout = new PassThrough();
  let inner: ExecProcess | undefined;
  let pendingSize: WindowSize | undefined;
  let killedWith: NodeJS.Signals | undefined;
  let go: (size: WindowSize | undefined) => void = () => undefined;
  const first = new Promise<WindowSize | undefined>((resolve) => {
    go = resolve;
  });
  const timer = setTimeout(() => go(undefined), FIRST_SIZE_WAIT_MS);
  const exited = first.then(async (size) => {
    clearTimeout(timer);
    if (killedWith !== undefined) {
      stdout.end();
      return exitCodeOf(null, killedWith);
    }
    try {
      inner = await launch(size);
    } catch (error) {
      stdout.end();
      throw error;
    }
    if (stdin !== undefined && inner.stdin !== undefined) stdin.pipe(inner.stdin);
    inner.stdout.pipe(stdout);
    if (pendingSize !== undefined && pendingSize !== size)
      inner.resize(pendingSize.width, pendingSize.height);
    return inner.exited;
  });
  return {
    stdin,
    stdout,
    stderr: undefined,
    exited,
    resize: (width, height) => {
      if (!(width > 0 && height > 0)) return;
      if (inner !== undefined) return inner.resize(width, height);
      pendingSize = { width: Math.floor(width), height: Math.floor(height) };
      go(pendingSize);
    },
    kill: (signal = "SIGKILL") => {
      if (inner !== undefined) return inner.kill(signal);
      killedWith = signal;
      go(undefined);
    },
  };
}

async function launchExec(
  target: OciExecTarget,
  processSpec: OciProcess,
  options: ExecOptions,
): Promise<ExecProcess> {
  const tag = randomBytes(6).toString("hex");
  const processFile = join(target.stateDir, `exec-${tag}.json`);
  const pidFile = join(target.stateDir, `exec-${tag}.pid`);
  await writeFile(processFile, JSON.stringify(processSpec));
  // A short path: sockaddr_un holds 107 bytes, and the state dir may be deep.
  const socket = join(tmpdir(), `kube-exec-${tag}.sock`);
  const crunArgs = [
    "exec",
    "--process",
    processFile,
    "--pid-file",
    pidFile,
    ...(options.tty ? ["--console-socket", socket] : []),
    target.id,
  ];
  const crunArgv = target.crun.argv(crunArgs);
  const command = options.tty
    ? ["perl", join(target.binDir, "exec-tty.pl"), `${target.recvmsgSyscall}`, socket, "--", ...crunArgv]
    : crunArgv;
  const child = spawn(command[0] as string, command.slice(1), {
    stdio: [
      options.stdin || options.tty ? "pipe" : "ignore",
      "pipe",
      options.tty ? "ignore" : "pipe",
      options.tty ? "pipe" : "ignore",
    ],
    env: { PATH: defaultPath, LC_ALL: "C" },
    cwd: "/",
    detached: true,
  });
  // The command runs in the container, not as our child: signals go to its pid (from crun's pid file).
  const killCommand = async (signal: NodeJS.Signals) => {
    const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
    try {
      if (pid > 0) process.kill(pid, signal);
    } catch {
      // Gone.
    }
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Gone.
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exited = new Promise<number>((resolve) => {
    child.once("error", () => resolve(126));
    child.once("exit", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      void Promise.all([
        rm(processFile, { force: true }),
        rm(pidFile, { force: true }),
        rm(socket, { force: true }),
      ]);
      resolve(exitCodeOf(code, signal));
    });
  });
  if (options.timeoutMs !== undefined)
    timer = setTimeout(() => void killCommand("SIGKILL"), options.timeoutMs);
  if (child.stdout === null) throw new Error("exec: no stdout pipe");
  const control = options.tty ? (child.stdio[3] as Writable | null) : null;
  control?.on("error", () => undefined);
  const stdin = options.stdin ? (child.stdin ?? undefined) : undefined;
  if (!options.stdin) child.stdin?.end();
  return {
    stdin,
    stdout: child.stdout,
    stderr: options.tty ? undefined : (child.stderr ?? undefined),
    exited,
    resize: (width, height) => {
      if (control !== null && width > 0 && height > 0)
        control.write(`${Math.floor(width)} ${Math.floor(height)}\n`);
    },
    kill: (signal = "SIGKILL") => void killCommand(signal),
  };
}
