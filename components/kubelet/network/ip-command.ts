// Runs iproute2's `ip` (and other host tools) with an argv, never a shell string: the one way the
// kubelet's network plumbing touches the kernel; `ipBatch` runs several commands in one process.

import { randomBytes } from "node:crypto";
import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The result of a host command that ran to completion. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A host command that has not ended after this long is killed (none of ours should take a second). */
const COMMAND_TIMEOUT_MS = 30_000;

/**
 * Runs argv with a minimal environment and no stdin; resolves whatever the exit code. A command
 * still running after 30 s is killed and reported as failed, so a stuck tool cannot wedge a pod.
 */
export async function runCommand(argv: string[]): Promise<CommandResult> {
  const proc = Bun.spawn(argv, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, COMMAND_TIMEOUT_MS);
  try {
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (timedOut)
      return { exitCode: 124, stdout, stderr: `${stderr}${argv[0]} killed after ${COMMAND_TIMEOUT_MS} ms` };
    return { exitCode, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** `ip <args>`; throws an Error naming the command and ip's message when it fails. */
export async function ip(...args: string[]): Promise<string> {
  const result = await runCommand(["ip", ...args]);
  if (result.exitCode !== 0) {
    throw new Error(`ip ${args.join(" ")}: ${result.stderr.trim() || `exit code ${result.exitCode}`}`);
  }
  return result.stdout;
}

/** Like `ip` but ignores failures (teardown of things that may already be gone). */
export async function ipQuiet(...args: string[]): Promise<boolean> {
  return (await runCommand(["ip", ...args])).exitCode === 0;
}

export interface IpBatchOptions {
  /** Run every line inside this `ip netns` (`ip -n <netns>`). */
  netns?: string;
  /** Go on past failing lines (`-force`), for teardown; the result is then only informative. */
  force?: boolean;
}

const BATCH_PREFIX = "kube-ip-batch-";
let swept = false;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes batch files a killed kubelet left (ipBatch does it once per process): those whose
 * writer (the PID in the name) is gone, and any older than a batch can run.
 */
export async function sweepStaleBatches(): Promise<void> {
  const dir = tmpdir();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(BATCH_PREFIX))) {
    const path = join(dir, name);
    const pid = Number(/^(\d+)-/.exec(name.slice(BATCH_PREFIX.length))?.[1] ?? Number.NaN);
    const info = await stat(path).catch(() => undefined);
    const old = info !== undefined && Date.now() - info.mtimeMs > 2 * COMMAND_TIMEOUT_MS;
    if (old || (Number.isInteger(pid) && pid !== process.pid && !alive(pid))) await rm(path, { force: true });
  }
}

/**
 * One `ip -batch -` process for several commands (one line each, `ip` without its options): a spawn
 * costs ~5-10 ms here, a line microseconds. Throws naming the failed line unless `force` is set.
 */
export async function ipBatch(lines: string[][], options: IpBatchOptions = {}): Promise<boolean> {
  const argv = [
    "ip",
    ...(options.netns !== undefined ? ["-n", options.netns] : []),
    ...(options.force === true ? ["-force"] : []),
    "-batch",
    "-",
  ];
  // The batch goes through a file, not a stdin pipe: a pipe's EOF was seen to go missing under
  // load (ip then waits forever), and a file costs microseconds.
  if (!swept) {
    swept = true;
    sweepStaleBatches().catch(() => {}); // best effort, off the pod's path
  }
  const file = join(tmpdir(), `${BATCH_PREFIX}${process.pid}-${randomBytes(8).toString("hex")}`);
  await writeFile(file, `${lines.map((line) => line.join(" ")).join("\n")}\n`, { mode: 0o600 });
  argv[argv.length - 1] = file;
  let result: CommandResult;
  try {
    result = await runCommand(argv);
  } finally {
    await rm(file, { force: true });
  }
  if (result.exitCode !== 0 && options.force !== true) {
    const failed = Number(/Command failed \S+:(\d+)/.exec(result.stderr)?.[1] ?? "0");
    const what = lines[failed - 1]?.join(" ") ?? lines.map((line) => line.join(" ")).join("; ");
    const message = result.stderr.replace(/Command failed \S+:\d+\s*/g, "").trim();
    throw new Error(
      `ip ${argv.slice(1, -2).concat(what).join(" ")}: ${message || `exit code ${result.exitCode}`}`,
    );
  }
  return result.exitCode === 0;
}
