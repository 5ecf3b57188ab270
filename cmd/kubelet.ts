// `kube kubelet` (multicall: kubelet): runs pods as processes, standalone from a manifest
// directory or URL, or registered with an API server (`--kubeconfig`, or seed 003's
// `--api-servers`). Flags follow upstream kubelet.

import { existsSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { type ClientConfig, loadKubeconfig } from "../lib/client/kubeconfig.ts";
import { parseServerList } from "./api-client-flags.ts";
import { readFlagFile } from "./apiserver-security-flags.ts";
import { parseDuration, parseIpAddress, parsePort, parsePositiveInt } from "./flag-values.ts";
import { IMAGE_GC_FLAGS, parseImageGcFlags } from "./image-gc-flags.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { type KubeletStarterOptions, startKubeletStack } from "./kubelet-starter.ts";
import { lineLog } from "./line-log.ts";
import { supervise } from "./supervise.ts";
import { UsageError } from "./usage-error.ts";

function parseLabels(value: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of (value ?? "").split(",").filter(Boolean)) {
    const [key, v] = pair.split("=");
    if (!key || v === undefined)
      throw new UsageError(`invalid --node-labels entry "${pair}": want key=value`);
    labels[key.trim()] = v.trim();
  }
  return labels;
}

export const kubeletCommand = defineKubeCommand({
  name: "kubelet",
  description: "Runs pods as real processes, standalone from manifests or joined to an API server",
  args: {
    "tls-cert-file": {
      type: "string",
      description:
        "PEM serving certificate of the kubelet's port (default with an API server: a self-signed one in <root-dir>/pki)",
    },
    "tls-private-key-file": { type: "string", description: "PEM private key of --tls-cert-file" },
    "client-ca-file": {
      type: "string",
      description: "PEM CA bundle: client certificates it signs (the apiserver's) authenticate as their CN",
    },
    kubeconfig: {
      type: "string",
      description: "Path to a kubeconfig for the API server; absent: standalone",
    },
    "api-servers": {
      type: "string",
      description:
        "API server URLs or host:ports, comma separated (legacy spelling of --kubeconfig; fails over)",
    },
    "node-name": { type: "string", description: "Name of the Node this kubelet is (default: the hostname)" },
    "hostname-override": {
      type: "string",
      description: "Use this name instead of the hostname as the node name",
    },
    "pod-manifest-path": { type: "string", description: "Directory of static pod manifests to run" },
    config: {
      type: "string",
      description: "A directory: same as --pod-manifest-path (hyperkube's spelling)",
    },
    "manifest-url": { type: "string", description: "URL to read static pod manifests from" },
    "file-check-frequency": { type: "string", description: "How often to rescan manifests", default: "20s" },
    "root-dir": {
      type: "string",
      description: "Directory for pod volumes, logs and state",
      default: "/var/lib/kubelet",
    },
    "register-node": { type: "boolean", description: "Register the Node with the API server", default: true },
    "node-labels": { type: "string", description: "Labels to add when registering: key=value,..." },
    address: { type: "string", description: "Address the kubelet server listens on", default: "0.0.0.0" },
    "node-ip": {
      type: "string",
      description:
        "IP address the Node advertises as its InternalIP (default: the pod bridge's address, else the host's)",
    },
    port: {
      type: "string",
      valueHint: "int",
      description: "Kubelet server port (logs, exec, port-forward); 0: any",
      default: "10250",
    },
    "read-only-port": {
      type: "string",
      valueHint: "int",
      description: "Read-only port (/healthz, /pods, /spec/, /stats/summary); 0: off",
      default: "10255",
    },
    "image-dir": {
      type: "string",
      description: "Directory of executables used as images before the embedded ones",
    },
    ...IMAGE_GC_FLAGS,
    runtime: {
      type: "string",
      description:
        "process (host processes in a netns), oci (crun: rootfs, namespaces, seccomp), auto (oci when root and crun exist), or fake (no processes)",
      default: "process",
    },
    networking: {
      type: "string",
      description: "auto (a network namespace per pod when root) or host",
      default: "auto",
    },
    "pod-cidr": {
      type: "string",
      description: "CIDR for pod IPs (default: the Node's podCIDR, else a free 10.88.x.0/24)",
    },
    "cluster-dns": { type: "string", description: "Comma-separated DNS server IPs for ClusterFirst pods" },
    "cluster-domain": { type: "string", description: "The cluster's DNS domain", default: "cluster.local" },
    "resolv-conf": {
      type: "string",
      description: "The host resolv.conf pods with dnsPolicy Default use",
      default: "/etc/resolv.conf",
    },
    "max-pods": { type: "string", valueHint: "int", description: "Pods this node accepts", default: "110" },
    "node-lease-duration-seconds": {
      type: "string",
      valueHint: "int",
      description: "Duration of the node's Lease; it is renewed every quarter of it",
      default: "40",
    },
    "node-status-update-frequency": {
      type: "string",
      description:
        "How often the kubelet checks the node's status (posted when it changed, else every minute)",
      default: "10s",
    },
    "configure-cbr0": {
      type: "boolean",
      description:
        "Take the pod CIDR from the Node (allocated by controller-manager --allocate-node-cidrs); wait for it",
    },
    "stop-pods-on-exit": {
      type: "boolean",
      description:
        "Stop every pod when the kubelet stops, on SIGTERM too (default: on Ctrl-C/SIGINT only; upstream leaves them running)",
    },
  },
  run: async (args, prog) => {
    const { log } = lineLog(prog);
    let stopSignal = "";
    const nodeName = (args["hostname-override"] ?? args["node-name"] ?? hostname()).toLowerCase();
    let manifestPath = args["pod-manifest-path"];
    if (args.config) {
      if (existsSync(args.config) && !statSync(args.config).isDirectory())
        throw new UsageError(
          `--config ${args.config} is a file: kube reads --config as a manifest directory (KubeletConfiguration files are not supported)`,
        );
      manifestPath ??= args.config;
    }
    // Upstream's old kubelet: --api-servers names the servers (a list it fails over between),
    // --kubeconfig the credentials.
    const [apiServer, ...failover] = parseServerList(args["api-servers"] ?? "");
    const servers = apiServer
      ? { server: apiServer, ...(failover.length > 0 ? { failover } : {}) }
      : undefined;
    const api: ClientConfig | undefined = args.kubeconfig
      ? { ...loadKubeconfig(args.kubeconfig), ...servers }
      : servers;
    const tls = kubeletTlsFlags(args);
    const runtime = args.runtime;
    if (runtime !== "process" && runtime !== "fake" && runtime !== "oci" && runtime !== "auto")
      throw new UsageError(`invalid --runtime "${runtime}": want process, oci, auto or fake`);
    const networking = args.networking;
    if (networking !== "auto" && networking !== "host")
      throw new UsageError(`invalid --networking "${networking}": want auto or host`);
    const options = {
      nodeName,
      rootDir: resolve(args["root-dir"]),
      api,
      ...tls,
      manifestPath: manifestPath ? resolve(manifestPath) : undefined,
      manifestUrl: args["manifest-url"],
      fileCheckFrequencyMs: parseDuration("file-check-frequency", args["file-check-frequency"]),
      registerNode: args["register-node"] !== false,
      nodeLabels: parseLabels(args["node-labels"]),
      imageDir: args["image-dir"] ? resolve(args["image-dir"]) : undefined,
      imageGc: parseImageGcFlags(args),
      runtime: runtime as "process" | "fake" | "oci" | "auto",
      networking: networking as "auto" | "host",
      podCIDR: args["pod-cidr"],
      address: args.address,
      ...(args["node-ip"] ? { nodeIP: parseIpAddress("node-ip", args["node-ip"]) } : {}),
      port: parsePort("port", args.port),
      readOnlyPort: parsePort("read-only-port", args["read-only-port"]),
      clusterDNS: (args["cluster-dns"] ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      clusterDomain: args["cluster-domain"],
      resolvConf: args["resolv-conf"],
      maxPods: parsePositiveInt("max-pods", args["max-pods"]),
      nodeLeaseDurationSeconds: parsePositiveInt(
        "node-lease-duration-seconds",
        args["node-lease-duration-seconds"],
      ),
      nodeStatusUpdateFrequencyMs: parseDuration(
        "node-status-update-frequency",
        args["node-status-update-frequency"],
      ),
      // Ctrl-C at a terminal ends what this kubelet started (pods, netns, bridge); SIGTERM (a
      // service manager's restart) leaves the pods to the next kubelet, as upstream.
      stopPodsOnExit: () => args["stop-pods-on-exit"] === true || stopSignal === "SIGINT",
      configureCbr0: args["configure-cbr0"] === true,
      log,
    };
    const server = api?.server;
    if (!server && !manifestPath && !args["manifest-url"])
      log(
        "no --kubeconfig, --api-servers, --pod-manifest-path or --manifest-url: nothing will run until one is given",
      );
    let port = 0;
    let stack: Awaited<ReturnType<typeof startKubeletStack>> | undefined;
    return supervise({
      prog,
      starters: [
        async () => {
          stack = await startKubeletStack(options);
          port = stack.port;
          return stack;
        },
      ],
      onStopRequested: (signal) => {
        stopSignal = signal;
        if (options.stopPodsOnExit()) log(`${signal}: stopping the pods within their grace periods`);
      },
      onForce: async () => {
        await stack?.kill();
      },
      onReady: () => {
        const mode = server ? `joined to ${server} as node ${nodeName}` : "standalone";
        const sources = [
          options.manifestPath && `manifests in ${options.manifestPath}`,
          options.manifestUrl && `manifests at ${options.manifestUrl}`,
        ]
          .filter(Boolean)
          .join(", ");
        log(`kubelet ready (${mode}${sources ? `; ${sources}` : ""}); server on port ${port}`);
      },
    });
  },
});

/** --tls-cert-file, --tls-private-key-file and --client-ca-file, read now so a bad path is a usage error. */
function kubeletTlsFlags(args: {
  "tls-cert-file"?: string;
  "tls-private-key-file"?: string;
  "client-ca-file"?: string;
}): Pick<KubeletStarterOptions, "servingCert" | "clientCaPem"> | undefined {
  const cert = args["tls-cert-file"];
  const key = args["tls-private-key-file"];
  const ca = args["client-ca-file"];
  if (!cert && !key && !ca) return undefined;
  if (Boolean(cert) !== Boolean(key))
    throw new UsageError("--tls-cert-file and --tls-private-key-file go together: give both");
  const clientCaPem = ca ? readFlagFile("client-ca-file", ca) : undefined;
  const pair =
    cert && key
      ? { certPem: readFlagFile("tls-cert-file", cert), keyPem: readFlagFile("tls-private-key-file", key) }
      : undefined;
  return {
    ...(pair ? { servingCert: async () => pair } : {}),
    ...(clientCaPem ? { clientCaPem } : {}),
  };
}
