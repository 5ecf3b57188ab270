// `kube apiserver` (multicall: kube-apiserver): the Kubernetes REST API. Flags follow
// upstream kube-apiserver; the component itself arrives with issue 3.

import { defaultDataDirHelp } from "./default-data-dir.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { NotBuiltError } from "./not-built-error.ts";

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
      description: `Data directory when no --etcd-servers (default: ${defaultDataDirHelp()})`,
    },
    "insecure-bind-address": {
      type: "string",
      description: "Address to serve plain HTTP on",
      default: "127.0.0.1",
    },
    "insecure-port": {
      type: "string",
      valueHint: "int",
      description: "Port to serve plain HTTP on",
      default: "8080",
    },
    "service-cluster-ip-range": {
      type: "string",
      description: "CIDR from which Service ClusterIPs are allocated",
      default: "10.96.0.0/12",
    },
  },
  run: () => {
    throw new NotBuiltError(3);
  },
});
