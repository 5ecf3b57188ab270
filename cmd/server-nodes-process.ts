// kube server's fake nodes (--nodes N --runtime fake) in a child process, `kube server-nodes`, so
// they run on the second core: a 1000-node / 6000-pod profile had the kubelets' own work (node
// agents, pod workers, their API clients, TLS listeners and certificates) at ~25 % of the thread
// that also serves the API. The kubelets reach the apiserver through a loopback bridge: one TCP
// connection on 127.0.0.1, opened with a secret token (sent on the child's stdin), carrying every
// request multiplexed, each handed to the apiserver's in-process handler as the node it names.

import { randomBytes } from "node:crypto";
import type { UserInfo } from "../components/apiserver/authn/user-info.ts";
import type { FetchLike } from "../lib/client/api-client.ts";
import type { Component } from "../lib/component.ts";
import { verbosity } from "../lib/log/verbosity.ts";
import type { ClusterKubeletSettings } from "./cluster-kubelet.ts";
import { kubeExecutable } from "./kubelet-starter.ts";
import { startServerNodesBridge } from "./server-nodes-bridge.ts";
import type { ServerNodesConfig, ServerNodesReport } from "./server-nodes-protocol.ts";
import type { Starter } from "./supervise.ts";

export interface ServerNodesProcessOptions {
  settings: ClusterKubeletSettings;
  nodeNames: string[];
  /** The apiserver's handler as `user`. */
  fetchAs: (user: UserInfo) => FetchLike;
  pki: () => ServerNodesConfig["pki"];
  concurrency: number;
  /** The first node runs (its address and pod CIDR). */
  firstNode: (nodeIP: string, podCIDR: string | undefined) => Promise<void>;
  /** Each node's summary line, once every node is ready. */
  summary: (lines: string[]) => void;
  log: (line: string) => void;
  /** How this executable runs itself (tests: bun and cmd/main.ts); default kubeExecutable(). */
  executable?: string[];
}

/** Graceful stop of the child before it is killed. */
const STOP_TIMEOUT_MS = 60_000;

/** Reads the child's stdout reports, one JSON line each, until it closes. */
async function readReports(stdout: ReadableStream<Uint8Array>, onReport: (r: ServerNodesReport) => void) {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stdout) {
    text += decoder.decode(chunk, { stream: true });
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n")) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      if (line.trim()) onReport(JSON.parse(line) as ServerNodesReport);
    }
  }
}

/** The fake nodes' process as one Component: ready when every node is, stopped by SIGTERM. */
export function serverNodesProcess(options: ServerNodesProcessOptions): Starter {
  return async () => {
    const token = randomBytes(32).toString("hex");
    const bridge = startServerNodesBridge({ nodeNames: options.nodeNames, fetchAs: options.fetchAs, token });
    const config: ServerNodesConfig = {
      settings: options.settings,
      nodeNames: options.nodeNames,
      bridge: { url: `http://127.0.0.1:${bridge.port}`, token },
      pki: options.pki(),
      concurrency: options.concurrency,
    };
    const child = Bun.spawn(
      [...(options.executable ?? kubeExecutable()), "server-nodes", `--v=${verbosity()}`],
      {
        stdin: "pipe",
        stdout: "pipe",
        stderr: "inherit",
      },
    );
    child.stdin.write(`${JSON.stringify(config)}\n`);
    child.stdin.flush();
    const ready = Promise.withResolvers<void>();
    let stopping = false;
    const reports = readReports(child.stdout, (report) => {
      if (report.type === "first-node")
        void options
          .firstNode(report.nodeIP, report.podCIDR)
          .catch((error: Error) => options.log(`advertising the first node: ${error.message}`));
      else if (report.type === "ready") {
        options.summary(report.summary);
        ready.resolve();
      }
    }).catch(() => undefined);
    const done = child.exited.then(async (code) => {
      await reports;
      bridge.stop();
      if (!stopping) {
        const error = new Error(`the fake nodes' process (kube server-nodes) exited with status ${code}`);
        ready.reject(error);
        throw error;
      }
    });
    // A rejection nobody awaits yet is not an unhandled one: supervise awaits both.
    ready.promise.catch(() => undefined);
    done.catch(() => undefined);
    const component: Component = {
      name: `kubelets (${options.nodeNames.length} fake nodes, process ${child.pid})`,
      ready: ready.promise,
      done,
      stop: async () => {
        if (stopping) return done;
        stopping = true;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await child.exited;
        clearTimeout(timer);
        await done;
      },
    };
    return component;
  };
}
