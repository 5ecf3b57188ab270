// A long-running kubectl (`port-forward`, `proxy`, `get --watch`) for the seed walkthroughs:
// started with the test server's kubeconfig, resolved once its stdout prints `ready`, its later
// output waited on by pattern, stopped by its own PID.

import type { Kubectl } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

export interface BackgroundKubectl {
  /** The match of the ready pattern, e.g. the port it listens on. */
  match: RegExpMatchArray;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in its stdout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM to this kubectl only; resolves when it exited. */
  stop(): Promise<void>;
}

export async function startBackgroundKubectl(
  kubectl: Kubectl,
  args: string[],
  ready: RegExp,
  timeoutMs = 15_000,
): Promise<BackgroundKubectl> {
  const bin = Bun.which("kubectl");
  if (!bin) throw new Error("kubectl is not on PATH");
  const proc = Bun.spawn([bin, `--kubeconfig=${kubectl.kubeconfig}`, ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, HOME: kubectl.dir, KUBECONFIG: kubectl.kubeconfig },
  });
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    await proc.exited;
  };
  let text = "";
  let ended = false;
  const stderr = new Response(proc.stderr).text();
  // Read stdout to its end ("Handling connection for ...", watch lines) so kubectl never blocks.
  const pump = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) text += decoder.decode(chunk, { stream: true });
  })()
    .catch(() => {})
    .finally(() => {
      ended = true;
    });
  const waitFor = (pattern: RegExp, waitMs = 15_000): Promise<RegExpMatchArray> =>
    until(
      `kubectl ${args.join(" ")} to print ${pattern}`,
      () => {
        const match = text.match(pattern);
        if (match) return match;
        if (ended) throw new Error(`it exited; stdout:\n${text}`);
        return undefined;
      },
      { timeoutMs: waitMs, intervalMs: 25 },
    );
  try {
    const match = await waitFor(ready, timeoutMs);
    return { match, output: () => text, waitFor, stop };
  } catch (error) {
    await stop();
    await pump;
    throw new Error(`${(error as Error).message}\nstderr: ${await stderr}`);
  }
}
