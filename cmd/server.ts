// `kube server`: the all-in-one composition root (k3s's server). It starts every component in
// order, each ready before the next, and stops them in reverse on Ctrl-C. Today: the SQLite
// store, its etcd v3 front and the apiserver over the same store; each later issue adds its
// component here.

import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { apiserverStarters } from "./apiserver-starters.ts";
import { defaultDataDir, defaultDataDirHelp } from "./default-data-dir.ts";
import { etcdStarters } from "./etcd-starters.ts";
import { parsePort, parseUrlList } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { supervise } from "./supervise.ts";

export interface ServerOptions {
  dataDir: string;
  listenClientUrls: string[];
  fsync: boolean;
  bindAddress: string;
  port: number;
  serviceClusterIpRange: string;
}

/** Components still to come, with the issue that adds each one to `kube server`. */
const notYet = "kubelet (issue 4), scheduler and controller-manager (issue 5), proxy and DNS (issue 6)";

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
  log(`data in ${options.dataDir}`);
  return supervise({
    prog: "kube server",
    starters: [...stack.starters, ...api.starters],
    onReady: () => {
      const url = api.apiserver()?.url ?? "";
      const kubeconfig = writeAdminKubeconfig(options.dataDir, url);
      const urls = stack.urls().join(",");
      log(
        `store: SQLite in ${storeDir} (${options.fsync ? "fsync on every commit" : "survives a process crash"})`,
      );
      const hostPorts = stack
        .urls()
        .map((url) => url.replace(/^http:\/\//, ""))
        .join(",");
      log(`etcd: etcd v3 API on ${urls}; try: etcdctl --endpoints=${hostPorts} endpoint status`);
      log(`apiserver: the Kubernetes API on ${url} (unauthenticated: keep it on loopback)`);
      log(`kubeconfig: export KUBECONFIG=${kubeconfig}`);
      log(`not running yet: ${notYet}`);
      log("ready; Ctrl-C stops everything");
    },
  });
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
  },
  run: (args) =>
    runServer({
      dataDir: resolve(args["data-dir"] ?? defaultDataDir()),
      listenClientUrls: parseUrlList("listen-client-urls", args["listen-client-urls"]),
      fsync: args.fsync === true,
      bindAddress: args["bind-address"],
      port: parsePort("insecure-port", args["insecure-port"]),
      serviceClusterIpRange: args["service-cluster-ip-range"],
    }),
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
