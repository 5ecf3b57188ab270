// Runs a client program to its end and returns what it printed, killing it after a deadline so a
// hung client fails its test instead of the whole run (the Python and Node.js client tests).

import { readPipe } from "./pipe-reader.ts";

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
  const stdout = readPipe(proc.stdout);
  const stderr = readPipe(proc.stderr);
  try {
    const code = await proc.exited;
    // A grandchild still holding a pipe must not hang the test past the program's exit.
    await Promise.all([stdout.settle(5000), stderr.settle(5000)]);
    return { stdout: stdout.text(), stderr: stderr.text(), code };
  } finally {
    clearTimeout(timer);
  }
}
