// A long-running kube process under test: spawned with an argv array, its stderr collected
// line by line so tests can wait for a log line (never a fixed sleep), stopped by its own PID.

import type { Subprocess } from "bun";

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
  let text = "";
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>): Promise<void> => {
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      notify();
    }
  };
  const drained = Promise.all([pump(proc.stderr), new Response(proc.stdout).arrayBuffer()]);
  const exited = drained.then(() => proc.exited);
  exited.then(notify, notify);
  let done = false;
  exited.finally(() => {
    done = true;
  });

  return {
    pid: proc.pid,
    stderr: () => text,
    exited,
    kill: (signal = "SIGTERM") => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = text.match(pattern);
          if (match) finish(() => resolve(match));
          else if (done)
            finish(() => reject(new Error(`exited before printing ${pattern}; stderr:\n${text}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`timed out waiting for ${pattern}; stderr:\n${text}`))),
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
