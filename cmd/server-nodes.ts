// `kube server-nodes` (internal, not in --help): kube server's fake nodes in a process of their
// own, on the second core, so 5000 kubelets' own work (their informers, pod workers, status
// building, JSON) leaves the apiserver's thread. Started by cmd/server-nodes-process.ts only.

import { ensureClusterPki } from "../lib/pki/ensure-cluster-pki.ts";
import { clusterKubelet } from "./cluster-kubelet.ts";
import { defineKubeCommand } from "./kube-command.ts";
import type { KubeletTls } from "./kubelet-starter.ts";
import { BridgeClient } from "./server-nodes-client.ts";
import {
  parseServerNodesConfig,
  type ServerNodesConfig,
  type ServerNodesReport,
} from "./server-nodes-protocol.ts";
import { startConcurrently } from "./start-concurrently.ts";

/**
 * Log lines to stderr in batches, written without blocking: 5000 kubelets log every pod event,
 * and a console.error per line (a blocking write when the reader of the pipe lags) was 9 % of
 * this process's samples in a 5000-node run. Past `limit` waiting lines the rest are counted, not kept.
 */
function batchedLog(limit = 20_000): { log: (line: string) => void; flush: () => void } {
  let pending: string[] = [];
  let dropped = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (dropped > 0)
      pending.push(`kube server: ${dropped} log lines of the fake nodes dropped (stderr is behind)\n`);
    dropped = 0;
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    process.stderr.write(text);
  };
  const log = (line: string): void => {
    if (pending.length >= limit) dropped++;
    else pending.push(`kube server: ${line}\n`);
    timer ??= setTimeout(flush, 50);
  };
  return { log, flush };
}

function report(message: ServerNodesReport): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** The config (stdin's first line) and a promise of stdin's end (the server is gone or done). */
async function readStdin(): Promise<{ config: ServerNodesConfig; ended: Promise<void> }> {
  const reader = Bun.stdin.stream().getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("stdin ended before the config (kube server runs this command itself)");
    text += decoder.decode(value, { stream: true });
    const end = text.indexOf("\n");
    if (end < 0) continue;
    const config = parseServerNodesConfig(text.slice(0, end));
    const ended = (async () => {
      while (!(await reader.read()).done) {}
    })().catch(() => undefined);
    return { config, ended };
  }
}

type ServingPair = KubeletTls | undefined;

/**
 * Nodes' kubelet serving pairs from the cluster CA, as the server process would sign them. The
 * requests that arrive while one ensureClusterPki runs go together in the next: each call loads
 * and checks the CA, the apiserver's pair and the ServiceAccount key besides the nodes' pairs,
 * and one call per node was ~22 % of this process's samples while 1000 kubelets restarted.
 */
function servingCerts(
  pki: ServerNodesConfig["pki"],
): (node: string, addresses: string[]) => Promise<ServingPair> {
  let waiting: { node: string; addresses: string[]; done: PromiseWithResolvers<ServingPair> }[] = [];
  let running = false;
  const run = async (): Promise<void> => {
    running = true;
    while (pki && waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const updated = await ensureClusterPki(pki.dir, {
          serverSans: pki.serverSans,
          clients: [],
          // One spec per node (the last asked for): two for one node would write its files twice.
          kubeletServing: [...new Map(batch.map(({ node, addresses }) => [node, addresses]))].map(
            ([node, addresses]) => ({ node, addresses }),
          ),
        });
        for (const { node, done } of batch) {
          const pair = updated.kubeletServing[node];
          done.resolve(
            pair
              ? { certPem: pair.certPem, keyPem: pair.keyPem, clientCaPem: updated.ca.certPem }
              : undefined,
          );
        }
      } catch (error) {
        for (const { done } of batch) done.reject(error);
      }
    }
    running = false;
  };
  return (node, addresses) => {
    if (!pki) return Promise.resolve(undefined);
    const done = Promise.withResolvers<ServingPair>();
    waiting.push({ node, addresses, done });
    if (!running) void run();
    return done.promise;
  };
}

export async function runServerNodes(): Promise<number> {
  const { log, flush } = batchedLog();
  try {
    return await run(log);
  } finally {
    flush();
  }
}

async function run(log: (line: string) => void): Promise<number> {
  const stopping = Promise.withResolvers<"stop">();
  const stop = (): void => stopping.resolve("stop");
  process.on("SIGTERM", stop);
  // Ctrl-C reaches the whole process group: the server stops this process in its own order.
  process.on("SIGINT", () => undefined);
  const { config, ended } = await readStdin();
  void ended.then(stop);
  const bridge = await BridgeClient.connect(config.bridge.url, config.bridge.token);
  // The server closed the bridge: it is gone or stopping; nothing works without it.
  void bridge.closed.then(stop);
  const summary: string[] = [];
  const servingCert = servingCerts(config.pki);
  const starters = config.nodeNames.map((name, index) =>
    clusterKubelet(
      { ...config.settings, server: config.bridge.url },
      name,
      index,
      {
        fetch: bridge.fetchAs(name),
        servingCert: (addresses) => servingCert(name, addresses),
        log: (line) => log(`kubelet ${name}: ${line}`),
      },
      async (stack, line) => {
        summary.push(line);
        if (index === 0) report({ type: "first-node", nodeIP: stack.nodeIP, podCIDR: stack.podCIDR });
      },
    ),
  );
  let kubelets: Awaited<ReturnType<ReturnType<typeof startConcurrently>>>;
  try {
    kubelets = await startConcurrently("kubelets", starters, config.concurrency)(stopping.promise);
  } catch (error) {
    log(`fake nodes failed to start: ${(error as Error).message}`);
    return 1;
  }
  const crashed = kubelets.done.then(
    () => "crashed" as const,
    (error: Error) => {
      log(`a fake node stopped: ${error.message}`);
      return "crashed" as const;
    },
  );
  if (
    (await Promise.race([kubelets.ready.then(() => "ready" as const), stopping.promise, crashed])) === "ready"
  ) {
    report({ type: "ready", summary });
  }
  const outcome = await Promise.race([stopping.promise, crashed]);
  await kubelets.stop().catch((error: Error) => log(`stopping the fake nodes: ${error.message}`));
  bridge.close();
  return outcome === "stop" ? 0 : 1;
}

export const serverNodesCommand = defineKubeCommand({
  name: "server-nodes",
  description:
    "kube server's fake nodes in their own process (internal: kube server --nodes N --runtime fake)",
  args: {},
  run: () => runServerNodes(),
});
