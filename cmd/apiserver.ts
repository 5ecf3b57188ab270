// `kube apiserver` (multicall: kube-apiserver): the Kubernetes REST API on plain HTTP, over
// embedded SQLite (--data-dir) or etcd servers (--etcd-servers: kube etcd or a real etcd).
// Flags follow upstream kube-apiserver.

import { resolve } from "node:path";
import { apiserverStarters } from "./apiserver-starters.ts";
import { defaultDataDir, defaultDataDirHelp } from "./default-data-dir.ts";
import { parsePort, parseUrlList } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { supervise } from "./supervise.ts";

export const apiserverCommand = defineKubeCommand({
  name: "apiserver",
  description: "The Kubernetes REST API (real kubectl and client libraries work)",
  args: {
    "etcd-servers": {
      type: "string",
      description:
        "Comma-separated etcd URLs (kube etcd or a real etcd); empty: embedded SQLite in --data-dir",
    },
    "data-dir": {
      type: "string",
      description: `Data directory when no --etcd-servers (default: ${defaultDataDirHelp("apiserver")})`,
    },
    "insecure-bind-address": {
      type: "string",
      description: "Address to serve plain HTTP on (no authentication: keep it on loopback)",
      default: "127.0.0.1",
    },
    "insecure-port": {
      type: "string",
      valueHint: "int",
      description: "Port to serve plain HTTP on; 0 picks a free port",
      default: "8080",
    },
    "service-cluster-ip-range": {
      type: "string",
      description: "CIDR from which Service ClusterIPs are allocated",
      default: "10.96.0.0/12",
    },
    "advertise-address": {
      type: "string",
      description:
        "Address written into the endpoints of the `kubernetes` service (default: the bind address)",
    },
    fsync: {
      type: "boolean",
      description: "With embedded SQLite: fsync every commit (power-loss durability)",
    },
  },
  run: (args, prog) => {
    const etcd = args["etcd-servers"];
    const log = (line: string): void => console.error(`${prog}: ${line}`);
    const options = {
      etcdServers: etcd ? parseUrlList("etcd-servers", etcd) : [],
      dataDir: resolve(args["data-dir"] ?? defaultDataDir("apiserver")),
      fsync: args.fsync === true,
      bindAddress: args["insecure-bind-address"],
      port: parsePort("insecure-port", args["insecure-port"]),
      serviceClusterIpRange: args["service-cluster-ip-range"],
      log,
      ...(args["advertise-address"] ? { advertiseAddress: args["advertise-address"] } : {}),
    };
    const stack = apiserverStarters(options);
    return supervise({
      prog,
      starters: stack.starters,
      onReady: () => {
        const storage =
          options.etcdServers.length > 0
            ? `etcd at ${options.etcdServers.join(",")}`
            : `SQLite in ${options.dataDir}`;
        log(`serving the Kubernetes API on ${stack.apiserver()?.url} (storage: ${storage})`);
        log(
          "this port is unauthenticated: every client may do everything; secure serving comes in a later issue",
        );
        log(`try: kubectl --server ${stack.apiserver()?.url} get namespaces`);
      },
    });
  },
});
