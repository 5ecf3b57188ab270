// The cluster half of `kube server` (k3s's agent + control loops in one process): the controller
// manager, the scheduler, one kubelet per node, the proxy and the cluster DNS, each talking to
// the apiserver through its in-process handler instead of a socket.

import { join } from "node:path";
import { nodeUser, systemUser, USERS, type UserInfo } from "../components/apiserver/authn/user-info.ts";
import { ApiClient, type FetchLike } from "../lib/client/api-client.ts";
import type { Component } from "../lib/component.ts";
import { type ClusterKubeletSettings, clusterKubelet } from "./cluster-kubelet.ts";
import type { KubeletTls } from "./kubelet-starter.ts";
import { serverNodesProcess } from "./server-nodes-process.ts";
import type { Starter } from "./supervise.ts";

/** With --nodes N --runtime fake, how many kubelets come up at once (each registers its Node). */
const KUBELET_START_CONCURRENCY = 32;

export interface ClusterOptions {
  dataDir: string;
  /** The apiserver's URL (written into the kubeconfig and Node objects' view of it). */
  server: () => string;
  /** The apiserver's request handler as the loopback admin (the manifests applier). */
  fetch: () => FetchLike;
  /** The apiserver's request handler as `user`: each component's transport, with its identity. */
  fetchAs: (user: UserInfo) => FetchLike;
  /** A node's kubelet serving certificate for its addresses, signed by the cluster CA. */
  kubeletServingCert: (node: string, addresses: string[]) => Promise<KubeletTls | undefined>;
  /** Where the fake nodes' process signs their serving pairs (the cluster CA's dir and the API's SANs). */
  kubeletPki: () => { dir: string; serverSans: string[] } | undefined;
  /** The cluster CA (kube-root-ca.crt) and the ServiceAccount signing key (legacy token Secrets). */
  controllerSecrets: () => {
    rootCA?: string;
    serviceAccountPrivateKey?: string;
    clusterSigningCert?: string;
    clusterSigningKey?: string;
  };
  /** Points the `kubernetes` Service at the first node's IP once it exists; absent: --advertise-address was given. */
  advertise: ((address: string) => Promise<void>) | undefined;
  nodeNames: string[];
  clusterCIDR: string;
  serviceClusterIPRange: string;
  clusterDomain: string;
  /** The kube-dns Service's ClusterIP (the 10th address of the service range). */
  clusterDNS: string;
  dnsPort: number;
  resolvConf: string;
  imageDir?: string;
  /** The kubelets' container runtime (default process). */
  runtime?: "process" | "oci" | "auto" | "fake";
  proxyMode: "auto" | "nftables" | "userspace";
  /** The proxy's nftables table / dummy interface names, unique per data dir. */
  proxyName: string;
  /** Parts `--disable` leaves out: controller-manager, scheduler, kubelet, proxy, dns. */
  disabled: ReadonlySet<string>;
  log: (line: string) => void;
}

export interface ClusterStack {
  starters: Starter[];
  /** What runs where, for the ready banner. */
  summary(): string[];
}

/** One node: the base name itself; several: `node` -> node1..nodeN, `node7` -> node7-1..node7-N. */
export function nodeNames(base: string, count: number): string[] {
  if (count === 1) return [base];
  return Array.from({ length: count }, (_, i) => `${base}${/\d$/.test(base) ? "-" : ""}${i + 1}`);
}

export function clusterStarters(options: ClusterOptions): ClusterStack {
  const client = (userAgent: string, user?: UserInfo): ApiClient =>
    new ApiClient({
      server: options.server(),
      fetch: user ? options.fetchAs(user) : options.fetch(),
      userAgent,
    });
  const prefixed =
    (name: string) =>
    (line: string): void =>
      options.log(`${name}: ${line}`);
  const summary: string[] = [];
  // Network rules and port 53 need root; without it the proxy and DNS are left out, said once.
  const root = process.getuid?.() === 0;
  const leftOut = new Set(options.disabled);
  if (!root && !(leftOut.has("proxy") && leftOut.has("dns"))) {
    summary.push(
      "not root: no proxy and no cluster DNS (Service IPs are not reachable; pods use the host's resolvers)",
    );
    leftOut.add("proxy").add("dns");
  }
  let firstNodeIP: string | undefined;
  // This server's kubelets restart with it (at 5000 nodes in about a minute): the node lifecycle
  // controller judges heartbeats only once they run, so no node goes Unknown and no pod NotReady
  // while they come back (upstream's kubelets keep running through a control-plane restart).
  const kubeletsUp = Promise.withResolvers<void>();

  const controllerManager: Starter = async () => {
    const { startControllerManager } = await import("../components/controller-manager/controller-manager.ts");
    const { CONTROLLERS } = await import("../components/controller-manager/controllers.ts");
    const { selectControllers } = await import("../components/controller-manager/select-controllers.ts");
    return startControllerManager({
      client: client("kube-controller-manager", systemUser(USERS.controllerManager)),
      controllers: selectControllers("*", CONTROLLERS),
      // One process, one copy of each loop: no Lease to renew every two seconds.
      leaderElect: false,
      options: {
        clusterCIDR: options.clusterCIDR,
        allocateNodeCIDRs: true,
        nodeMonitorGracePeriodMs: 40_000,
        podEvictionTimeoutMs: 300_000,
        workers: 5,
        nodeHealthStart: kubeletsUp.promise,
        ...options.controllerSecrets(),
      },
      log: prefixed("controller-manager"),
    });
  };

  const scheduler: Starter = async () => {
    const { startScheduler } = await import("../components/scheduler/start-scheduler.ts");
    return startScheduler({
      client: client("kube-scheduler", systemUser(USERS.scheduler)),
      schedulerName: "default-scheduler",
      leaderElect: false,
      log: prefixed("scheduler"),
    });
  };

  // Read when a kubelet starts: the server URL is known once the apiserver runs.
  const settings = (): ClusterKubeletSettings => ({
    dataDir: options.dataDir,
    server: options.server(),
    imageDir: options.imageDir,
    runtime: options.runtime ?? "process",
    // Without the cluster DNS (not root, or --disable dns) pods use the host's resolvers.
    clusterDNS: leftOut.has("dns") ? [] : [options.clusterDNS],
    clusterDomain: options.clusterDomain,
    resolvConf: options.resolvConf,
  });
  const firstNode = async (nodeIP: string, podCIDR: string | undefined): Promise<void> => {
    firstNodeIP = nodeIP;
    // Pods reach the API through the `kubernetes` Service, whose endpoint is this address.
    if (podCIDR) await options.advertise?.(nodeIP);
  };
  const kubelet =
    (nodeName: string, index: number): Starter =>
    (stopping) =>
      clusterKubelet(
        settings(),
        nodeName,
        index,
        {
          fetch: options.fetchAs(nodeUser(nodeName)),
          servingCert: (addresses) => options.kubeletServingCert(nodeName, addresses),
          log: prefixed(`kubelet ${nodeName}`),
        },
        async (stack, line) => {
          if (index === 0) await firstNode(stack.nodeIP, stack.podCIDR);
          summary.push(line);
        },
      )(stopping);
  // Many fake nodes run in a process of their own (the second core); one, or real ones, in this one.
  const fakeNodesProcess = (): Starter => (stopping) =>
    serverNodesProcess({
      settings: settings(),
      nodeNames: options.nodeNames,
      fetchAs: options.fetchAs,
      pki: options.kubeletPki,
      concurrency: KUBELET_START_CONCURRENCY,
      firstNode,
      summary: (lines) => summary.push(...lines),
      log: prefixed("kubelets"),
    })(stopping);

  const proxy: Starter = async () => {
    const { startProxy } = await import("../components/proxy/proxy.ts");
    const running = await startProxy({
      client: client("kube-proxy", systemUser(USERS.proxy)),
      nodeName: options.nodeNames[0] ?? "",
      mode: options.proxyMode,
      tableName: options.proxyName,
      interfaceName: options.proxyName,
      serviceClusterIPRange: options.serviceClusterIPRange,
      log: prefixed("proxy"),
    });
    summary.push(
      running.mode === "nftables"
        ? `proxy: Service IPs and NodePorts by nftables (table ip ${options.proxyName})`
        : `proxy: Service IPs and NodePorts in userspace (VIPs on interface ${options.proxyName})`,
    );
    return running;
  };

  const dns: Starter = async () => {
    const { startDns } = await import("../components/dns/dns-server.ts");
    // On the first node's address, where pods (through the kube-dns Service) and the host reach it.
    const address = firstNodeIP ?? "127.0.0.1";
    const running = await startDns({
      client: client("kube-dns", systemUser("system:kube-dns")),
      bindAddress: address,
      port: options.dnsPort,
      clusterDomain: options.clusterDomain,
      resolvConf: options.resolvConf,
      service: { clusterIP: options.clusterDNS, advertiseAddress: address },
      log: prefixed("dns"),
    });
    summary.push(
      `dns: ${options.clusterDomain} on ${running.address}:${running.port}, Service kube-system/kube-dns at ${options.clusterDNS}`,
    );
    return running;
  };

  const manifests: Starter = async () => {
    const dir = join(options.dataDir, "manifests");
    const { startManifestApplier } = await import("../components/manifests/manifest-applier.ts");
    summary.push(`manifests: the YAML files in ${dir} are applied at start and on change`);
    return startManifestApplier({ client: client("kube-server-manifests"), dir, log: prefixed("manifests") });
  };

  const parts: [string, Starter[]][] = [
    ["controller-manager", [controllerManager]],
    ["scheduler", [scheduler]],
    [
      "kubelet",
      // Fake nodes (no network, no processes) come up side by side; real ones in order.
      options.runtime !== "fake" || options.nodeNames.length === 1
        ? options.nodeNames.map(kubelet)
        : [fakeNodesProcess()],
    ],
    ["proxy", [proxy]],
    ["dns", [dns]],
    ["manifests", [manifests]],
  ];
  const kubeletStarters = parts.find(([name]) => name === "kubelet")?.[1] ?? [];
  if (leftOut.has("kubelet") || kubeletStarters.length === 0) kubeletsUp.resolve();
  else {
    // The gate opens once every kubelet starter's component is ready.
    let waiting = kubeletStarters.length;
    const opened = (component: Component): Component => {
      void component.ready.then(
        () => {
          if (--waiting === 0) kubeletsUp.resolve();
        },
        () => undefined,
      );
      return component;
    };
    const gated = kubeletStarters.map(
      (start): Starter =>
        async (stopping) =>
          opened(await start(stopping)),
    );
    kubeletStarters.splice(0, kubeletStarters.length, ...gated);
  }
  return {
    starters: parts.filter(([name]) => !leftOut.has(name)).flatMap(([, starters]) => starters),
    summary: () => summary,
  };
}
