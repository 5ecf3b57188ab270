// Runs iproute2's `ip` (and other host tools) with an argv, never a shell string: the one way the
// kubelet's network plumbing touches the kernel.

/** The result of a host command that ran to completion. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs argv with a minimal environment; resolves with its output whatever the exit code. */
export async function runCommand(argv: string[]): Promise<CommandResult> {
  const proc = Bun.spawn(argv, {
    stdin: "ignore",
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
