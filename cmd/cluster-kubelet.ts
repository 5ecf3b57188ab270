// One of kube server's kubelets as a Starter: its root dir under <data-dir>/kubelet/<node>, the
// first node's static pod dir, and the settings every kube server node shares. Used in the server
// process (in-process transport) and in `kube server-nodes` (the fake nodes' own process).

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { FetchLike } from "../lib/client/api-client.ts";
import { type KubeletStack, type KubeletTls, startKubeletStack } from "./kubelet-starter.ts";
import type { Starter } from "./supervise.ts";

/** What every node of one kube server shares (plain data: it crosses to `kube server-nodes`). */
export interface ClusterKubeletSettings {
  dataDir: string;
  /** The API server URL the kubelet's client names (its transport is `fetch`). */
  server: string;
  imageDir?: string;
  runtime: "process" | "oci" | "auto" | "fake";
  /** Empty: pods use the host's resolvers (no cluster DNS). */
  clusterDNS: string[];
  clusterDomain: string;
  resolvConf: string;
}

export interface ClusterKubeletTransport {
  /** The apiserver's handler as this node (system:node:<name>). */
  fetch: FetchLike;
  servingCert: (addresses: string[]) => Promise<KubeletTls | undefined>;
  log: (line: string) => void;
}

/** Starts node `nodeName` (the `index`th); `started` hears of it once it runs (the summary line). */
export function clusterKubelet(
  settings: ClusterKubeletSettings,
  nodeName: string,
  index: number,
  transport: ClusterKubeletTransport,
  started: (stack: KubeletStack, summary: string) => Promise<void>,
): Starter {
  return async () => {
    const rootDir = join(settings.dataDir, "kubelet", nodeName);
    const manifestPath = index === 0 ? join(settings.dataDir, "pod-manifests") : undefined;
    await mkdir(rootDir, { recursive: true });
    if (manifestPath) await mkdir(manifestPath, { recursive: true });
    const stack = await startKubeletStack({
      nodeName,
      rootDir,
      api: { server: settings.server },
      fetch: transport.fetch,
      servingCert: transport.servingCert,
      manifestPath,
      fileCheckFrequencyMs: 20_000,
      registerNode: true,
      nodeLabels: {},
      imageDir: settings.imageDir,
      runtime: settings.runtime,
      networking: "auto",
      port: 0,
      readOnlyPort: 0,
      clusterDNS: settings.clusterDNS,
      clusterDomain: settings.clusterDomain,
      resolvConf: settings.resolvConf,
      maxPods: 110,
      nodeLeaseDurationSeconds: 40,
      nodeStatusUpdateFrequencyMs: 10_000,
      // Ctrl-C leaves nothing running; a crash leaves pods the next start adopts. Fake pods
      // are only state the fake runtime keeps on disk: the next start adopts them (a real
      // kubelet leaves its pods running on exit too), and stopping 150k of them took minutes.
      stopPodsOnExit: settings.runtime !== "fake",
      configureCbr0: true,
      log: transport.log,
    });
    await started(
      stack,
      `node ${nodeName}: pod CIDR ${stack.podCIDR ?? "host network"}, node IP ${stack.nodeIP}${
        manifestPath ? `, static pods from ${manifestPath}` : ""
      }`,
    );
    return stack;
  };
}
