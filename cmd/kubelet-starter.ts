// Builds a running kubelet from typed options: the runtime (process or fake), the image
// resolver, the kubelet server and the kubelet core, as one Component. `kube kubelet` uses it,
// and `kube server` does, handing it the apiserver's own fetch handler.

import { join } from "node:path";
import {
  DEFAULT_IMAGE_GC_POLICY,
  ImageGcManager,
  imagesInUse,
} from "../components/kubelet/images/image-gc-manager.ts";
import { createImageResolver } from "../components/kubelet/images/image-resolver.ts";
import { OciImageSource } from "../components/kubelet/images/oci/oci-image-source.ts";
import { type Kubelet, startKubelet } from "../components/kubelet/kubelet.ts";
import { createFakeRuntime } from "../components/kubelet/runtime/fake/fake-runtime.ts";
import { ociUnavailable, startOciRuntime } from "../components/kubelet/runtime/oci/oci-runtime.ts";
import { startProcessRuntime } from "../components/kubelet/runtime/process/process-runtime.ts";
import type { Runtime } from "../components/kubelet/runtime/runtime.ts";
import { type KubeletServing, startKubeletServer } from "../components/kubelet/server/kubelet-server.ts";
import { ApiClient, type FetchLike } from "../lib/client/api-client.ts";
import type { ClientConfig } from "../lib/client/kubeconfig.ts";
import type { Component } from "../lib/component.ts";
import { apiClientFor } from "./api-client-flags.ts";

export interface KubeletTls {
  certPem: string;
  keyPem: string;
  /** CA bundle for callers' client certificates (the apiserver's kubelet client certificate). */
  clientCaPem?: string;
}

export interface KubeletStarterOptions {
  nodeName: string;
  rootDir: string;
  /** The API server and credentials (from --kubeconfig / --api-servers); absent: standalone. */
  api?: ClientConfig;
  /** In-process transport to the apiserver (kube server). */
  fetch?: FetchLike;
  manifestPath?: string;
  manifestUrl?: string;
  fileCheckFrequencyMs: number;
  registerNode: boolean;
  nodeLabels: Record<string, string>;
  imageDir?: string;
  /** --image-gc-high-threshold / --image-gc-low-threshold (percent); absent: 85 / 80. */
  imageGc?: { highThresholdPercent: number; lowThresholdPercent: number };
  /** auto: oci when root and crun exist, else process (saying what isolation is missing). */
  runtime: "process" | "fake" | "oci" | "auto";
  networking: "auto" | "host";
  podCIDR?: string;
  /** Where the kubelet server listens; absent: on the node IP only (kube server's nodes). */
  address?: string;
  /** `--node-ip`: the address the Node advertises (InternalIP); default the runtime's node IP. */
  nodeIP?: string;
  /**
   * The kubelet server's certificate for the node's addresses (--tls-cert-file, or kube server's
   * CA): the main port serves HTTPS and authorizes every caller through the API. Absent with
   * an API server: a self-signed pair in <root-dir>/pki; standalone: plain HTTP on 127.0.0.1.
   */
  servingCert?: (addresses: string[]) => Promise<KubeletTls | undefined>;
  /** --client-ca-file when the serving pair does not name one. */
  clientCaPem?: string;
  port: number;
  readOnlyPort: number;
  clusterDNS: string[];
  clusterDomain: string;
  resolvConf: string;
  maxPods: number;
  nodeLeaseDurationSeconds: number;
  nodeStatusUpdateFrequencyMs: number;
  /** Stop every pod when the kubelet stops; a function is asked at stop time (Ctrl-C). */
  stopPodsOnExit: boolean | (() => boolean);
  /**
   * `--configure-cbr0` (seed 004): the pod CIDR comes from the Node's spec.podCIDR, allocated by
   * the controller manager (`--allocate-node-cidrs`); the kubelet registers first and waits.
   */
  configureCbr0: boolean;
  log: (line: string) => void;
}

const POD_CIDR_WAIT_MS = 60_000;

/**
 * The Node's podCIDR, if it has one. With --configure-cbr0 the kubelet registers a bare Node and
 * waits for the controller manager to give it one (upstream's kubelet does the same before it
 * sets up cbr0); otherwise a missing one means the runtime picks a free range.
 */
async function nodePodCIDR(client: ApiClient, options: KubeletStarterOptions): Promise<string | undefined> {
  const path = `/api/v1/nodes/${encodeURIComponent(options.nodeName)}`;
  const read = async () => {
    try {
      return (await client.get<{ spec?: { podCIDR?: string } }>(path)).spec?.podCIDR;
    } catch {
      return undefined; // not registered yet
    }
  };
  const existing = await read();
  if (existing || !options.configureCbr0) return existing;
  try {
    await client.create("/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: options.nodeName, labels: { "kubernetes.io/hostname": options.nodeName } },
    });
  } catch {
    // registered meanwhile: fine
  }
  options.log(
    `--configure-cbr0: waiting for the controller manager to give node ${options.nodeName} a pod CIDR`,
  );
  const deadline = Date.now() + POD_CIDR_WAIT_MS;
  while (Date.now() < deadline) {
    const cidr = await read();
    if (cidr) return cidr;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `node ${options.nodeName} got no pod CIDR in ${POD_CIDR_WAIT_MS / 1000} s: run kube controller-manager with --allocate-node-cidrs --cluster-cidr, or drop --configure-cbr0`,
  );
}

/** How this kube executable runs itself (embedded images `kube image <name>`, static pods `kube ...`). */
export function kubeExecutable(): string[] {
  const exe = process.execPath;
  // Compiled, the entry point lives in Bun's embedded file system; from source, bun runs it
  // (npm's bun is `bun.exe`, so the executable's name says nothing).
  const compiled = Bun.main.startsWith("/$bunfs/") || Bun.main.startsWith("B:/~BUN/");
  return compiled ? [exe] : [exe, Bun.main];
}

/** `--runtime auto`: oci where it can run (root, crun), else process with one line on what is missing. */
async function chooseRuntime(
  wanted: KubeletStarterOptions["runtime"],
  log: (line: string) => void,
): Promise<"process" | "fake" | "oci"> {
  if (wanted !== "auto") return wanted;
  const missing = await ociUnavailable();
  if (missing === undefined) return "oci";
  log(
    `runtime auto: process runtime (oci unavailable: ${missing}): containers see the host's files and processes, keep root's capabilities and run without seccomp`,
  );
  return "process";
}

/** A running kubelet with where it serves and what network its pods get. */
export interface KubeletStack extends Kubelet {
  port: number;
  /** The node's address (the bridge address with pod networking, else the host's). */
  nodeIP: string;
  podCIDR: string | undefined;
}

export async function startKubeletStack(options: KubeletStarterOptions): Promise<KubeletStack> {
  const { log } = options;
  const userAgent = `kubelet/${options.nodeName}`;
  const client = options.api
    ? options.fetch
      ? new ApiClient({ server: options.api.server, fetch: options.fetch, userAgent })
      : apiClientFor(options.api, userAgent)
    : undefined;
  let podCIDR = options.podCIDR;
  if (client && !podCIDR) podCIDR = await nodePodCIDR(client, options);
  const runtimeName = await chooseRuntime(options.runtime, log);
  const runtime: Runtime =
    runtimeName === "fake"
      ? createFakeRuntime({ podCIDR, stateFile: join(options.rootDir, "fake-runtime.json") })
      : runtimeName === "oci"
        ? await startOciRuntime({ rootDir: options.rootDir, nodeName: options.nodeName, podCIDR, log })
        : await startProcessRuntime({
            rootDir: options.rootDir,
            nodeName: options.nodeName,
            podCIDR,
            log,
            networking: options.networking,
            kubeExecutable: kubeExecutable(),
          });
  log(
    runtime.name === "fake"
      ? `runtime fake: pods are reported running without processes (pod CIDR ${runtime.podCIDR ?? "none"})`
      : runtime.networking === "netns"
        ? `runtime ${runtime.name}: each pod gets its own network namespace on pod CIDR ${runtime.podCIDR} (node IP ${runtime.nodeIP})`
        : "runtime process: network namespaces are not available (not root?): pods share the host network",
  );
  let kubelet: Kubelet | undefined;
  let serving: KubeletServing | undefined = { mode: "loopback" };
  // Joined over plain HTTP (seeds 002/003's --api-servers http://...:8080, an apiserver that has
  // no kubelet client certificate): the port stays plain HTTP too, without authentication, as
  // those setups expect; the kubelet says so.
  const insecureJoin =
    !options.fetch &&
    options.api?.server.startsWith("http://") &&
    !options.servingCert &&
    !options.clientCaPem;
  if (client && insecureJoin) {
    serving = undefined;
    log(
      "joined over plain HTTP: the kubelet's port is plain HTTP without authentication too (join over https for TLS and webhook auth)",
    );
  } else if (client) {
    const tls =
      (await options.servingCert?.([options.nodeIP ?? runtime.nodeIP, options.nodeName])) ??
      (await selfSignedServing(options.rootDir, options.nodeName, options.nodeIP ?? runtime.nodeIP));
    const clientCaPem = tls.clientCaPem ?? options.clientCaPem;
    serving = {
      mode: "tls",
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      ...(clientCaPem ? { clientCaPem } : {}),
      api: client,
    };
  }
  const server = await startKubeletServer({
    ...(serving ? { serving } : {}),
    address: options.address ?? runtime.nodeIP,
    port: options.port,
    // Upstream: --read-only-port=0 disables the read-only server.
    readOnlyPort: options.readOnlyPort === 0 ? undefined : options.readOnlyPort,
    runtime,
    pods: () => kubelet?.pods() ?? [],
    nodeName: options.nodeName,
    log,
  });
  await server.ready;
  const oci = new OciImageSource({ root: join(options.rootDir, "images") });
  kubelet = await startKubelet({
    nodeName: options.nodeName,
    rootDir: options.rootDir,
    runtime,
    images: createImageResolver({ imageDir: options.imageDir, kubeExecutable: kubeExecutable(), oci }),
    client,
    manifestPath: options.manifestPath,
    manifestUrl: options.manifestUrl,
    fileCheckFrequencyMs: options.fileCheckFrequencyMs,
    registerNode: options.registerNode,
    nodeLabels: options.nodeLabels,
    maxPods: options.maxPods,
    kubeletPort: server.port,
    ...(options.nodeIP ? { nodeIP: options.nodeIP } : {}),
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
  // Upstream's image GC: every 5 minutes, unused images go when the disk is past the high threshold.
  const stopImageGc = new ImageGcManager({
    store: oci.store,
    policy: { ...DEFAULT_IMAGE_GC_POLICY, ...options.imageGc },
    inUse: () => imagesInUse(core.pods()),
  }).start(300_000, (message) => log(`image garbage collection failed: ${message}`));
  const components: Component[] = [server, core];
  return {
    ...core,
    port: server.port,
    nodeIP: options.nodeIP ?? runtime.nodeIP,
    podCIDR: runtime.podCIDR,
    done: Promise.race(components.map((c) => c.done)),
    async stop() {
      await stopImageGc();
      await core.stop();
      await server.stop();
    },
    async kill() {
      await stopImageGc();
      await core.kill();
      await server.stop();
    },
  };
}

/**
 * A self-signed serving pair in <root-dir>/pki, as upstream's kubelet makes one when no
 * --tls-cert-file is given (kubelet.crt/kubelet.key), reused while its names still fit.
 */
async function selfSignedServing(rootDir: string, nodeName: string, nodeIP: string): Promise<KubeletTls> {
  const { ensureClusterPki } = await import("../lib/pki/ensure-cluster-pki.ts");
  const pki = await ensureClusterPki(join(rootDir, "pki"), {
    serverSans: [],
    clients: [],
    kubeletServing: [{ node: nodeName, addresses: [nodeIP, "127.0.0.1"] }],
    caCommonName: `${nodeName}-ca`,
  });
  const pair = pki.kubeletServing[nodeName];
  if (!pair) throw new Error(`no kubelet serving certificate was made in ${pki.dir}`);
  return { certPem: pair.certPem, keyPem: pair.keyPem };
}
