// What `kube server` and its fake nodes' process (`kube server-nodes`) say to each other: the
// config on the child's stdin (one JSON line; EOF later means the server is gone), the child's
// reports on stdout (one JSON line each), and the loopback API bridge the kubelets call.

import type { FetchLike } from "../lib/client/api-client.ts";
import type { ClusterKubeletSettings } from "./cluster-kubelet.ts";

/** The node a bridged request acts as (system:node:<name>). */
export const NODE_HEADER = "x-kube-server-node";
/** The bridge's secret, known only to the two processes (it came over the child's stdin). */
export const TOKEN_HEADER = "x-kube-server-token";

export interface ServerNodesConfig {
  settings: ClusterKubeletSettings;
  nodeNames: string[];
  /** The bridge: http://127.0.0.1:<port> and its token. */
  bridge: { url: string; token: string };
  /** Where the cluster CA signs kubelet serving pairs, and the apiserver's SANs it keeps. */
  pki?: { dir: string; serverSans: string[] };
  /** How many kubelets come up at once. */
  concurrency: number;
}

export type ServerNodesReport =
  /** The first node runs (the `kubernetes` Service may point at it). */
  | { type: "first-node"; nodeIP: string; podCIDR?: string }
  /** Every node is ready; one summary line per node. */
  | { type: "ready"; summary: string[] };

/** Reads the config from the first line of `text`, checking its shape. */
export function parseServerNodesConfig(text: string): ServerNodesConfig {
  const value: unknown = JSON.parse(text);
  const config = value as Partial<ServerNodesConfig> | null;
  if (
    typeof config !== "object" ||
    config === null ||
    !Array.isArray(config.nodeNames) ||
    !config.nodeNames.every((n) => typeof n === "string") ||
    typeof config.bridge?.url !== "string" ||
    typeof config.bridge.token !== "string" ||
    typeof config.settings?.dataDir !== "string" ||
    typeof config.concurrency !== "number"
  )
    throw new Error("kube server-nodes: its config (the first line of stdin) is not a server's");
  return config as ServerNodesConfig;
}

/** A kubelet's transport to the apiserver through the bridge, as node `node`. */
export function bridgeFetch(bridge: ServerNodesConfig["bridge"], node: string): FetchLike {
  return async (request) => {
    const headers = new Headers(request.headers);
    headers.set(NODE_HEADER, node);
    headers.set(TOKEN_HEADER, bridge.token);
    const body =
      request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return fetch(request.url, {
      method: request.method,
      headers,
      body,
      signal: request.signal,
      redirect: "manual",
    });
  };
}
