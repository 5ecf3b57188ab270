// What `kube server` and its fake nodes' process (`kube server-nodes`) say to each other: the
// config on the child's stdin (one JSON line; EOF later means the server is gone), the child's
// reports on stdout (one JSON line each); the bridge's own frames are cmd/server-nodes-frames.ts.

import type { ClusterKubeletSettings } from "./cluster-kubelet.ts";

export interface ServerNodesConfig {
  settings: ClusterKubeletSettings;
  nodeNames: string[];
  /** The bridge: http://127.0.0.1:<port> and its token (the child's first frame). */
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
    throw new Error("its config (the first line of stdin) is not a server's");
  return config as ServerNodesConfig;
}
