// A long-running kubectl (`port-forward`, `proxy`) for the seed walkthroughs: started with the
// test server's kubeconfig, resolved once its stdout prints `ready`, stopped by its own PID.

import type { Kubectl } from "../../harness/kubectl.ts";

export interface BackgroundKubectl {
  /** The match of the ready pattern, e.g. the port it listens on. */
  match: RegExpMatchArray;
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
  const stderr = new Response(proc.stderr).text();
  const timer = setTimeout(() => proc.kill("SIGTERM"), timeoutMs);
  try {
    const decoder = new TextDecoder();
    const reader = proc.stdout.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const match = text.match(ready);
      if (match) {
        // Keep draining stdout ("Handling connection for ...") so kubectl never blocks on it.
        void (async () => {
          while (!(await reader.read()).done);
        })().catch(() => {});
        return { match, stop };
      }
    }
    throw new Error(`kubectl ${args.join(" ")} exited before printing ${ready}:\n${text}${await stderr}`);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
