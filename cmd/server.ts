// `kube server`: the all-in-one composition root (k3s's server). It starts every component in
// order, each ready before the next, and stops them in reverse on Ctrl-C: the SQLite store, its
// etcd v3 front, the apiserver, then the cluster (cmd/server-cluster.ts).

import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { kubeServerPodSecurityConfig } from "../components/apiserver/admission/pod-security/kube-server-pod-security.ts";
import type { PodSecurityConfig } from "../components/apiserver/admission/pod-security/pod-security-config.ts";
import type { Apiserver } from "../components/apiserver/server.ts";
import type { ClusterPki } from "../lib/pki/ensure-cluster-pki.ts";
import { ADMISSION_FLAGS, readAdmissionFlags } from "./admission-flags.ts";
import { SECURITY_FLAGS } from "./apiserver-security-flags.ts";
import { apiserverStarters } from "./apiserver-starters.ts";
import { defaultDataDir, defaultDataDirHelp } from "./default-data-dir.ts";
import { etcdStarters } from "./etcd-starters.ts";
import {
  nthAddress,
  parseCidr,
  parseDuration,
  parsePort,
  parsePositiveInt,
  parseUrlList,
} from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { writeKubeconfig } from "./kubeconfig-file.ts";
import { lineLog } from "./line-log.ts";
import { rootlessGate } from "./rootless/rootless-mode.ts";
import { clusterStarters, nodeNames } from "./server-cluster.ts";
import { clusterPki, kubeletPkiSpec, kubeletServingPair, loopbackUrl, serverSecurity } from "./server-pki.ts";
import { type Starter, supervise } from "./supervise.ts";
import { UsageError } from "./usage-error.ts";

export interface ServerOptions {
  dataDir: string;
  listenClientUrls: string[];
  fsync: boolean;
  /** The secure port's address and port (0 picks one). */
  bindAddress: string;
  securePort: number;
  /** The plain-HTTP port on 127.0.0.1, unauthenticated; absent: off. */
  insecurePort?: number;
  advertiseAddress?: string;
  tokenAuthFile?: string;
  authorizationModes: string;
  anonymousAuth: boolean;
  encryptionProviderConfig?: string;
  /** Pod Security defaults and exemptions (--admission-control-config-file, else kube server's). */
  podSecurity?: PodSecurityConfig;
  /** How long a request body may take to arrive (--request-timeout). */
  requestTimeoutMs?: number;
  serviceClusterIpRange: string;
  nodeName: string;
  nodes: number;
  clusterCIDR: string;
  clusterDomain: string;
  clusterDNS: string;
  dnsPort: number;
  resolvConf: string;
  imageDir?: string;
  runtime: "process" | "oci" | "auto" | "fake";
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
    // Nothing in the process speaks gRPC: it loads at the first etcd client (idle RSS -13 MiB).
    lazyFront: true,
    // https:// client URLs (the default) serve with the cluster PKI and require a client
    // certificate signed by its CA, as k3s's embedded etcd does: the store holds every Secret.
    tls: () =>
      pki
        ? {
            certFile: pki.server.certPath,
            certPem: pki.server.certPem,
            keyPem: pki.server.keyPem,
            trustedCaPem: pki.ca.certPem,
            clientCertAuth: true,
          }
        : undefined,
  });
  const { log } = lineLog("kube server");
  const names = nodeNames(options.nodeName, options.nodes);
  let pki: ClusterPki | undefined;
  const api = apiserverStarters({
    etcdServers: [],
    dataDir: storeDir,
    fsync: options.fsync,
    ...(options.insecurePort !== undefined
      ? { insecure: { bindAddress: "127.0.0.1", port: options.insecurePort } }
      : {}),
    security: async () => {
      pki = await clusterPki(options, names, log);
      return serverSecurity(options, pki);
    },
    serviceClusterIpRange: options.serviceClusterIpRange,
    clusterDomain: options.clusterDomain,
    ...(options.advertiseAddress ? { advertiseAddress: options.advertiseAddress } : {}),
    podSecurity: options.podSecurity,
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
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
    server: () => apiserver().secureUrl ?? apiserver().url ?? "https://in-process",
    fetch: () => apiserver().handler,
    fetchAs: (user) => apiserver().handlerFor(user),
    kubeletServingCert: (node, addresses) => kubeletServingPair(options, pki, node, addresses),
    kubeletPki: () => kubeletPkiSpec(options, pki),
    controllerSecrets: () =>
      pki
        ? {
            rootCA: pki.ca.certPem,
            serviceAccountPrivateKey: pki.serviceAccount.keyPem,
            clusterSigningCert: pki.ca.certPem,
            clusterSigningKey: pki.ca.keyPem,
          }
        : {},
    advertise: options.advertiseAddress ? undefined : (address) => apiserver().advertise(address),
    nodeNames: names,
    clusterCIDR: options.clusterCIDR,
    serviceClusterIPRange: options.serviceClusterIpRange,
    clusterDomain: options.clusterDomain,
    clusterDNS: options.clusterDNS,
    dnsPort: options.dnsPort,
    resolvConf: options.resolvConf,
    imageDir: options.imageDir,
    runtime: options.runtime,
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
    const running = api.apiserver();
    const secureUrl = running?.secureUrl ?? "";
    const admin = pki?.clients.admin;
    kubeconfig = writeKubeconfig(join(options.dataDir, "kubeconfig.yaml"), {
      server: loopbackUrl(secureUrl),
      ...(pki ? { caPem: pki.ca.certPem } : {}),
      ...(admin ? { certPem: admin.certPem, keyPem: admin.keyPem } : {}),
    });
    const security = api.security();
    log(
      `apiserver: the Kubernetes API on ${secureUrl} (TLS; client certificates signed by ${pki?.ca.certPath}, authorization ${security?.authorizationModes.join(",")})`,
    );
    if (running?.url)
      log(
        `apiserver: the Kubernetes API on ${running.url} (plain HTTP, unauthenticated: every client may do everything)`,
      );
    log(
      `dashboard: ${loopbackUrl(secureUrl)}/ui/ (log in with a token: kubectl -n <namespace> create token <serviceaccount>; or through kubectl proxy: http://127.0.0.1:8001/ui/)`,
    );
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
        .map((url) => url.replace(/^https?:\/\//, ""))
        .join(",");
      const secure = stack.urls().some((url) => url.startsWith("https://"));
      const certs =
        secure && pki
          ? ` --cacert ${pki.ca.certPath} --cert ${pki.clients.admin?.certPath} --key ${pki.clients.admin?.keyPath}`
          : "";
      log(
        `etcd: etcd v3 API on ${urls}${secure ? " (TLS, client certificates of the cluster CA)" : ""}; try: etcdctl --endpoints=${hostPorts}${certs} endpoint status`,
      );
      for (const line of cluster.summary()) log(line);
      if (options.disabled.size) log(`not running (--disable): ${[...options.disabled].join(", ")}`);
      log(`kubeconfig: export KUBECONFIG=${kubeconfig}`);
      log(`started in ${Math.round(performance.now() - started)} ms (ms to ready: ${timings.join(", ")})`);
      log("ready; Ctrl-C stops everything");
      // Start-up garbage (module init, first lists) goes in one full collection once the
      // informers settled; JSC's own collections leave it (idle RSS after 60 s: 94.4 -> 90.7 MiB).
      setTimeout(() => Bun.gc(true), 2000).unref();
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

function parseRuntime(value: string): ServerOptions["runtime"] {
  if (value !== "process" && value !== "oci" && value !== "auto" && value !== "fake")
    throw new UsageError(`invalid --runtime "${value}": want process, oci, auto or fake`);
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
      description:
        "Comma-separated URLs for the etcd v3 API: https:// (client certificates from <data-dir>/tls required), http:// (unauthenticated) or unix://; port 0 picks a free port",
      default: "https://127.0.0.1:2379",
    },
    fsync: {
      type: "boolean",
      description:
        "fsync every commit (power-loss durability); default: no acknowledged write lost on a crash",
    },
    "bind-address": SECURITY_FLAGS["bind-address"],
    "secure-port": SECURITY_FLAGS["secure-port"],
    "advertise-address": {
      type: "string",
      description:
        "Address of the `kubernetes` Service's endpoints, where pods reach the API (default: the first node's IP)",
    },
    "insecure-port": {
      type: "string",
      valueHint: "int",
      description:
        "Also serve plain HTTP, unauthenticated, on 127.0.0.1 at this port (0 picks one); default: off",
    },
    "token-auth-file": SECURITY_FLAGS["token-auth-file"],
    "authorization-mode": SECURITY_FLAGS["authorization-mode"],
    "anonymous-auth": SECURITY_FLAGS["anonymous-auth"],
    "encryption-provider-config": SECURITY_FLAGS["encryption-provider-config"],
    ...ADMISSION_FLAGS,
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
    runtime: {
      type: "string",
      description:
        "Container runtime: process (host processes in a netns), oci (crun), auto (oci when root and crun exist), fake (kwok-style: pods reported Running without processes, for scale tests)",
      default: "process",
    },
    "request-timeout": {
      type: "string",
      description:
        "How long a request body may take to arrive before the request fails with 504 (upstream's --request-timeout)",
      default: "1m0s",
    },
    "proxy-mode": {
      type: "string",
      description: "Service data path: auto (nftables when it works), nftables or userspace",
      default: "auto",
    },
    disable: {
      type: "string",
      description: `Comma-separated components not to run: ${SERVER_PARTS.join(", ")}`,
    },
    rootless: {
      type: "boolean",
      description:
        "Run as an ordinary user: kube in its own user, network and mount namespaces, slirp4netns for pods' traffic, the API and Service ports forwarded to 127.0.0.1 (default: on when not root; --no-rootless: pods share the host network)",
    },
  },
  run: async (args) => {
    const serviceRange = args["service-cluster-ip-range"];
    const nodes = parsePositiveInt("nodes", args.nodes);
    const rootless = await rootlessGate({
      flag: args.rootless,
      dataDir: resolve(args["data-dir"] ?? defaultDataDir()),
      securePort: parsePort("secure-port", args["secure-port"]),
      resolvConf: resolve(args["resolv-conf"]),
    });
    if (rootless !== undefined) return rootless;
    return runServer({
      dataDir: resolve(args["data-dir"] ?? defaultDataDir()),
      listenClientUrls: parseUrlList("listen-client-urls", args["listen-client-urls"]),
      fsync: args.fsync === true,
      bindAddress: args["bind-address"],
      securePort: parsePort("secure-port", args["secure-port"]),
      ...(args["insecure-port"] !== undefined
        ? { insecurePort: parsePort("insecure-port", args["insecure-port"]) }
        : {}),
      ...(args["advertise-address"] ? { advertiseAddress: args["advertise-address"] } : {}),
      ...(args["token-auth-file"] ? { tokenAuthFile: resolve(args["token-auth-file"]) } : {}),
      authorizationModes: args["authorization-mode"],
      anonymousAuth: args["anonymous-auth"] !== false,
      ...(args["encryption-provider-config"]
        ? { encryptionProviderConfig: resolve(args["encryption-provider-config"]) }
        : {}),
      podSecurity: readAdmissionFlags(args, kubeServerPodSecurityConfig()),
      requestTimeoutMs: parseDuration("request-timeout", args["request-timeout"]),
      serviceClusterIpRange: serviceRange,
      nodeName: (args["node-name"] ?? hostname()).toLowerCase(),
      nodes,
      clusterCIDR: parseCidr("cluster-cidr", args["cluster-cidr"]),
      clusterDomain: args["cluster-domain"],
      clusterDNS: args["cluster-dns"] ?? nthAddress("service-cluster-ip-range", serviceRange, 10),
      dnsPort: parsePort("dns-port", args["dns-port"]),
      resolvConf: resolve(args["resolv-conf"]),
      imageDir: args["image-dir"] ? resolve(args["image-dir"]) : undefined,
      runtime: parseRuntime(args.runtime),
      proxyMode: parseProxyMode(args["proxy-mode"]),
      disabled: parseDisable(args.disable),
    });
  },
});
