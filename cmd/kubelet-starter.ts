// Builds a running kubelet from typed options: the runtime (process or fake), the image
// resolver, the kubelet server and the kubelet core, as one Component. `kube kubelet` uses it,
// and `kube server` will (issue 6), handing it the apiserver's own fetch handler.

import { createImageResolver } from "../components/kubelet/images/image-resolver.ts";
import { type Kubelet, startKubelet } from "../components/kubelet/kubelet.ts";
import { createFakeRuntime } from "../components/kubelet/runtime/fake/fake-runtime.ts";
import { startProcessRuntime } from "../components/kubelet/runtime/process/process-runtime.ts";
import type { Runtime } from "../components/kubelet/runtime/runtime.ts";
import { startKubeletServer } from "../components/kubelet/server/kubelet-server.ts";
import { ApiClient, type FetchLike } from "../lib/client/api-client.ts";
import type { Component } from "../lib/component.ts";

export interface KubeletStarterOptions {
  nodeName: string;
  rootDir: string;
  /** API server URL; absent: standalone. */
  server?: string;
  /** In-process transport to the apiserver (kube server). */
  fetch?: FetchLike;
  manifestPath?: string;
  manifestUrl?: string;
  fileCheckFrequencyMs: number;
  registerNode: boolean;
  nodeLabels: Record<string, string>;
  imageDir?: string;
  runtime: "process" | "fake";
  networking: "auto" | "host";
  podCIDR?: string;
  address: string;
  port: number;
  readOnlyPort: number;
  clusterDNS: string[];
  clusterDomain: string;
  resolvConf: string;
  maxPods: number;
  nodeLeaseDurationSeconds: number;
  nodeStatusUpdateFrequencyMs: number;
  stopPodsOnExit: boolean;
  log: (line: string) => void;
}

/** How this kube executable runs itself (embedded images `kube image <name>`, static pods `kube ...`). */
export function kubeExecutable(): string[] {
  const exe = process.execPath;
  return /(^|\/)bun(-debug)?$/.test(exe) ? [exe, Bun.main] : [exe];
}

export async function startKubeletStack(options: KubeletStarterOptions): Promise<Kubelet & { port: number }> {
  const { log } = options;
  const client = options.server
    ? new ApiClient({
        server: options.server,
        fetch: options.fetch,
        userAgent: `kubelet/${options.nodeName}`,
      })
    : undefined;
  let podCIDR = options.podCIDR;
  if (client && !podCIDR) {
    try {
      const node = await client.get<{ spec?: { podCIDR?: string } }>(
        `/api/v1/nodes/${encodeURIComponent(options.nodeName)}`,
      );
      podCIDR = node.spec?.podCIDR;
    } catch {
      // not registered yet: the runtime picks a free CIDR and registration records it
    }
  }
  const runtime: Runtime =
    options.runtime === "fake"
      ? createFakeRuntime({ podCIDR })
      : await startProcessRuntime({
          rootDir: options.rootDir,
          nodeName: options.nodeName,
          podCIDR,
          log,
          networking: options.networking,
        });
  log(
    runtime.networking === "netns"
      ? `runtime ${runtime.name}: each pod gets its own network namespace on pod CIDR ${runtime.podCIDR} (node IP ${runtime.nodeIP})`
      : runtime.name === "fake"
        ? `runtime fake: pods are reported running without processes (pod CIDR ${runtime.podCIDR ?? "none"})`
        : "runtime process: network namespaces are not available (not root?): pods share the host network",
  );
  let kubelet: Kubelet | undefined;
  const server = await startKubeletServer({
    address: options.address,
    port: options.port,
    // Upstream: --read-only-port=0 disables the read-only server.
    readOnlyPort: options.readOnlyPort === 0 ? undefined : options.readOnlyPort,
    runtime,
    pods: () => kubelet?.pods() ?? [],
    nodeName: options.nodeName,
    log,
  });
  await server.ready;
  kubelet = await startKubelet({
    nodeName: options.nodeName,
    rootDir: options.rootDir,
    runtime,
    images: createImageResolver({ imageDir: options.imageDir, kubeExecutable: kubeExecutable() }),
    client,
    manifestPath: options.manifestPath,
    manifestUrl: options.manifestUrl,
    fileCheckFrequencyMs: options.fileCheckFrequencyMs,
    registerNode: options.registerNode,
    nodeLabels: options.nodeLabels,
    maxPods: options.maxPods,
    kubeletPort: server.port,
    dns: {
      clusterDNS: options.clusterDNS,
      clusterDomain: options.clusterDomain,
      hostResolvConf: options.resolvConf,
    },
    stopPodsOnExit: options.stopPodsOnExit,
    nodeLeaseDurationSeconds: options.nodeLeaseDurationSeconds,
    nodeStatusUpdateFrequencyMs: options.nodeStatusUpdateFrequencyMs,
    log,
  });
  const core = kubelet;
  const components: Component[] = [server, core];
  return {
    ...core,
    port: server.port,
    done: Promise.race(components.map((c) => c.done)),
    async stop() {
      await core.stop();
      await server.stop();
    },
  };
}
