// Runs a client program to its end and returns what it printed, killing it after a deadline so a
// hung client fails its test instead of the whole run (the Python and Node.js client tests).

export interface ProcessResult {
  stdout: string;
  stderr: string;
  code: number;
}

export async function runProcess(
  argv: string[],
  options: { timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { stdout, stderr, code };
  } finally {
    clearTimeout(timer);
  }
}
