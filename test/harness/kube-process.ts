// A long-running kube process under test: spawned with an argv array, its stderr collected
// line by line so tests can wait for a log line (never a fixed sleep), stopped by its own PID.

import type { Subprocess } from "bun";
import { readPipe } from "./pipe-reader.ts";

export interface KubeProcess {
  readonly pid: number;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or 128 + signal number when killed by a signal). */
  readonly exited: Promise<number>;
  /** Sends `signal` to this process only, if it still runs. */
  kill(signal?: NodeJS.Signals): void;
}

export function spawnKube(argv: string[], env?: Record<string, string>): KubeProcess {
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(argv, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
  });
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  const stderr = readPipe(proc.stderr, notify);
  const stdout = readPipe(proc.stdout);
  let held = "";
  // The exit waits for the end of both pipes (so stderr() holds every line), but at most 5 s:
  // a leftover grandchild holding them must fail the test's own checks, not hang it.
  const exited = proc.exited.then(async (code) => {
    const [ended] = await Promise.all([stderr.settle(5000), stdout.settle(5000)]);
    if (!ended) held = "\n(stderr still held open 5 s after the exit: a leftover process?)";
    return code;
  });
  const text = (): string => stderr.text() + held;
  exited.then(notify, notify);
  let done = false;
  exited.finally(() => {
    done = true;
  });

  return {
    pid: proc.pid,
    stderr: text,
    exited,
    kill: (signal = "SIGTERM") => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = text().match(pattern);
          if (match) finish(() => resolve(match));
          else if (done)
            finish(() => reject(new Error(`exited before printing ${pattern}; stderr:\n${text()}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`timed out waiting for ${pattern}; stderr:\n${text()}`))),
          timeoutMs,
        );
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
  };
}
