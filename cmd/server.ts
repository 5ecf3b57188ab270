// `kube server`: the all-in-one composition root (k3s's server). It starts every component in
// order, each ready before the next, and stops them in reverse on Ctrl-C: the SQLite store, its
// etcd v3 front, the apiserver, then the cluster (cmd/server-cluster.ts).

import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import type { Apiserver } from "../components/apiserver/server.ts";
import { apiserverStarters } from "./apiserver-starters.ts";
import { defaultDataDir, defaultDataDirHelp } from "./default-data-dir.ts";
import { etcdStarters } from "./etcd-starters.ts";
import { nthAddress, parseCidr, parsePort, parsePositiveInt, parseUrlList } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { clusterStarters, nodeNames } from "./server-cluster.ts";
import { type Starter, supervise } from "./supervise.ts";
import { UsageError } from "./usage-error.ts";

export interface ServerOptions {
  dataDir: string;
  listenClientUrls: string[];
  fsync: boolean;
  bindAddress: string;
  port: number;
  serviceClusterIpRange: string;
  nodeName: string;
  nodes: number;
  clusterCIDR: string;
  clusterDomain: string;
  clusterDNS: string;
  dnsPort: number;
  resolvConf: string;
  imageDir?: string;
  proxyMode: "auto" | "nftables" | "userspace";
  disabled: Set<ServerPart>;
}

/** The parts of `kube server` that `--disable` can leave out (the store and API always run). */
export const SERVER_PARTS = ["controller-manager", "scheduler", "kubelet", "proxy", "dns"] as const;
export type ServerPart = (typeof SERVER_PARTS)[number];

function runServer(options: ServerOptions): Promise<number> {
  const storeDir = join(options.dataDir, "db");
  const stack = etcdStarters({
    dataDir: storeDir,
    fsync: options.fsync,
    listenClientUrls: options.listenClientUrls,
  });
  const log = (line: string): void => console.error(`kube server: ${line}`);
  const api = apiserverStarters({
    etcdServers: [],
    dataDir: storeDir,
    fsync: options.fsync,
    bindAddress: options.bindAddress,
    port: options.port,
    serviceClusterIpRange: options.serviceClusterIpRange,
    log,
    sharedKv: stack.kv,
  });
  const apiserver = (): Apiserver => {
    const running = api.apiserver();
    if (!running) throw new Error("the apiserver must be running before the cluster components start");
    return running;
  };
  const cluster = clusterStarters({
    dataDir: options.dataDir,
    server: () => apiserver().url ?? "http://in-process",
    fetch: () => apiserver().handler,
    nodeNames: nodeNames(options.nodeName, options.nodes),
    clusterCIDR: options.clusterCIDR,
    serviceClusterIPRange: options.serviceClusterIpRange,
    clusterDomain: options.clusterDomain,
    clusterDNS: options.clusterDNS,
    dnsPort: options.dnsPort,
    resolvConf: options.resolvConf,
    imageDir: options.imageDir,
    proxyMode: options.proxyMode,
    proxyName: `kube-${createHash("sha256").update(options.dataDir).digest("hex").slice(0, 6)}`,
    disabled: options.disabled,
    log,
  });
  log(`data in ${options.dataDir}`);
  const started = performance.now();
  const timings: string[] = [];
  let kubeconfig = "";
  // kubectl works as soon as the API serves, while the nodes still come up.
  const announceApi = (): void => {
    const url = api.apiserver()?.url ?? "";
    kubeconfig = writeAdminKubeconfig(options.dataDir, url);
    log(`apiserver: the Kubernetes API on ${url} (unauthenticated: keep it on loopback)`);
  };
  // Each component's time from its start to its readiness, for the ready line.
  const timed =
    (start: Starter): Starter =>
    async () => {
      const t0 = performance.now();
      const component = await start();
      void component.ready.then(
        () => {
          timings.push(`${component.name} ${Math.round(performance.now() - t0)}`);
          if (component === api.apiserver()) announceApi();
        },
        () => undefined,
      );
      return component;
    };
  return supervise({
    prog: "kube server",
    // The etcd front (gRPC, ~150 ms to load) starts last: nothing in the process needs it.
    starters: [stack.store, ...api.starters, ...cluster.starters, stack.front].map(timed),
    onReady: () => {
      const urls = stack.urls().join(",");
      log(
        `store: SQLite in ${storeDir} (${options.fsync ? "fsync on every commit" : "survives a process crash"})`,
      );
      const hostPorts = stack
        .urls()
        .map((url) => url.replace(/^http:\/\//, ""))
        .join(",");
      log(`etcd: etcd v3 API on ${urls}; try: etcdctl --endpoints=${hostPorts} endpoint status`);
      for (const line of cluster.summary()) log(line);
      if (options.disabled.size) log(`not running (--disable): ${[...options.disabled].join(", ")}`);
      log(`kubeconfig: export KUBECONFIG=${kubeconfig}`);
      log(`started in ${Math.round(performance.now() - started)} ms (ms to ready: ${timings.join(", ")})`);
      log("ready; Ctrl-C stops everything");
    },
  });
}

function parseDisable(value: string | undefined): Set<ServerPart> {
  const parts = new Set<ServerPart>();
  for (const raw of (value ?? "").split(",")) {
    const part = raw.trim();
    if (!part) continue;
    if (!(SERVER_PARTS as readonly string[]).includes(part))
      throw new UsageError(
        `unknown component "${part}" in --disable: want some of ${SERVER_PARTS.join(", ")}`,
      );
    parts.add(part as ServerPart);
  }
  return parts;
}

function parseProxyMode(value: string): ServerOptions["proxyMode"] {
  if (value !== "auto" && value !== "nftables" && value !== "userspace")
    throw new UsageError(`invalid --proxy-mode "${value}": want auto, nftables or userspace`);
  return value;
}

export const serverCommand = defineKubeCommand({
  name: "server",
  description: "All of the above in one process, embedded SQLite, one command",
  args: {
    "data-dir": {
      type: "string",
      description: `Directory for all of kube's state (default: ${defaultDataDirHelp()})`,
    },
    "listen-client-urls": {
      type: "string",
      description: "Comma-separated http:// (or unix://) URLs for the etcd v3 API; port 0 picks a free port",
      default: "http://127.0.0.1:2379",
    },
    fsync: {
      type: "boolean",
      description:
        "fsync every commit (power-loss durability); default: no acknowledged write lost on a crash",
    },
    "bind-address": {
      type: "string",
      description: "Address the Kubernetes API listens on (plain HTTP, unauthenticated)",
      default: "127.0.0.1",
    },
    "insecure-port": {
      type: "string",
      valueHint: "int",
      description: "Port of the Kubernetes API; 0 picks a free port",
      default: "8080",
    },
    "service-cluster-ip-range": {
      type: "string",
      description: "CIDR from which Service ClusterIPs are allocated",
      default: "10.96.0.0/12",
    },
    "node-name": {
      type: "string",
      description: "Name of the node (with --nodes N: the base of node names, e.g. node -> node1..nodeN)",
    },
    nodes: {
      type: "string",
      valueHint: "int",
      description: "How many nodes (kubelets) to run on this machine",
      default: "1",
    },
    "cluster-cidr": {
      type: "string",
      description: "CIDR of pod IPs; each node gets a /24 of it",
      default: "10.42.0.0/16",
    },
    "cluster-domain": { type: "string", description: "The cluster's DNS domain", default: "cluster.local" },
    "cluster-dns": {
      type: "string",
      description: "ClusterIP of the kube-dns Service (default: the 10th address of the service range)",
    },
    "dns-port": {
      type: "string",
      valueHint: "int",
      description: "Port the cluster DNS listens on, on the first node's address (0 picks one)",
      default: "53",
    },
    "resolv-conf": {
      type: "string",
      description: "Resolver file whose nameservers get non-cluster names (pods' Default DNS policy too)",
      default: "/etc/resolv.conf",
    },
    "image-dir": { type: "string", description: "Directory of local images (executables named by image)" },
    "proxy-mode": {
      type: "string",
      description: "Service data path: auto (nftables when it works), nftables or userspace",
      default: "auto",
    },
    disable: {
      type: "string",
      description: `Comma-separated components not to run: ${SERVER_PARTS.join(", ")}`,
    },
  },
  run: (args) => {
    const serviceRange = args["service-cluster-ip-range"];
    const nodes = parsePositiveInt("nodes", args.nodes);
    return runServer({
      dataDir: resolve(args["data-dir"] ?? defaultDataDir()),
      listenClientUrls: parseUrlList("listen-client-urls", args["listen-client-urls"]),
      fsync: args.fsync === true,
      bindAddress: args["bind-address"],
      port: parsePort("insecure-port", args["insecure-port"]),
      serviceClusterIpRange: serviceRange,
      nodeName: (args["node-name"] ?? hostname()).toLowerCase(),
      nodes,
      clusterCIDR: parseCidr("cluster-cidr", args["cluster-cidr"]),
      clusterDomain: args["cluster-domain"],
      clusterDNS: args["cluster-dns"] ?? nthAddress("service-cluster-ip-range", serviceRange, 10),
      dnsPort: parsePort("dns-port", args["dns-port"]),
      resolvConf: resolve(args["resolv-conf"]),
      imageDir: args["image-dir"] ? resolve(args["image-dir"]) : undefined,
      proxyMode: parseProxyMode(args["proxy-mode"]),
      disabled: parseDisable(args.disable),
    });
  },
});

/** The admin kubeconfig at a known place in the data dir (k3s writes one the same way). */
function writeAdminKubeconfig(dataDir: string, server: string): string {
  const path = join(dataDir, "kubeconfig.yaml");
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: kube
  cluster: {server: "${server}"}
contexts:
- name: kube
  context: {cluster: kube, user: admin}
current-context: kube
users:
- name: admin
  user: {}
`,
    { mode: 0o600 },
  );
  return path;
}
