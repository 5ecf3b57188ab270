// Runs host tools (nft, ip) with an argv, never a shell string, and an optional stdin (an
// `nft -f -` transaction); a command still running after 30 s is killed and reported failed.

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const COMMAND_TIMEOUT_MS = 30_000;

export async function runHostCommand(argv: string[], stdin?: string): Promise<CommandResult> {
  let proc: ReturnType<typeof Bun.spawn<"pipe", "pipe", "pipe">>;
  try {
    proc = Bun.spawn(argv, {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
    });
  } catch (error) {
    return { exitCode: 127, stdout: "", stderr: `${argv[0]}: ${(error as Error).message}` };
  }
  if (stdin !== undefined) proc.stdin.write(stdin);
  proc.stdin.end();
  const timer = setTimeout(() => proc.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
  try {
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { exitCode, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs argv and throws an Error naming the command and the tool's first error line when it fails. */
export async function mustRun(argv: string[], stdin?: string): Promise<string> {
  const result = await runHostCommand(argv, stdin);
  if (result.exitCode !== 0) {
    const message = result.stderr.trim().split("\n")[0] || `exit code ${result.exitCode}`;
    throw new Error(`${argv.join(" ")}: ${message}`);
  }
  return result.stdout;
}
