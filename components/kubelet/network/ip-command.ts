// Runs iproute2's `ip` (and other host tools) with an argv, never a shell string: the one way the
// kubelet's network plumbing touches the kernel; `ipBatch` runs several commands in one process.

/** The result of a host command that ran to completion. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs argv (with `input` on stdin) and a minimal environment; resolves whatever the exit code. */
export async function runCommand(argv: string[], input?: string): Promise<CommandResult> {
  const proc = Bun.spawn(argv, {
    stdin: input !== undefined ? new TextEncoder().encode(input) : "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { exitCode, stdout, stderr };
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
  const result = await runCommand(argv, `${lines.map((line) => line.join(" ")).join("\n")}\n`);
  if (result.exitCode !== 0 && options.force !== true) {
    const failed = Number(/Command failed -:(\d+)/.exec(result.stderr)?.[1] ?? "0");
    const what = lines[failed - 1]?.join(" ") ?? lines.map((line) => line.join(" ")).join("; ");
    const message = result.stderr.replace(/Command failed -:\d+\s*/g, "").trim();
    throw new Error(
      `ip ${argv.slice(1, -2).concat(what).join(" ")}: ${message || `exit code ${result.exitCode}`}`,
    );
  }
  return result.exitCode === 0;
}
