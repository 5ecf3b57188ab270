// `kube init` (kubeadm init's certs, kubeconfig and control-plane phases in one command): the
// cluster's certificates in <dir>/pki, admin.conf, controller-manager.conf, scheduler.conf and
// kubelet.conf, and static pod manifests for etcd, apiserver, controller manager and scheduler
// in <dir>/manifests, so `kube kubelet --pod-manifest-path <dir>/manifests --kubeconfig
// <dir>/kubelet.conf` runs a self-hosted control plane. Run again, it reuses what is there.

import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { clusterIdentities } from "../lib/pki/cluster-identities.ts";
import { ensureClusterPki } from "../lib/pki/ensure-cluster-pki.ts";
import { servingSans } from "./apiserver-starters.ts";
import { parseIpAddress, parsePort } from "./flag-values.ts";
import {
  apiserverManifest,
  controllerManagerManifest,
  etcdManifest,
  type InitLayout,
  schedulerManifest,
} from "./init-manifests.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { writeKubeconfig } from "./kubeconfig-file.ts";

export const initCommand = defineKubeCommand({
  name: "init",
  description: "Write certificates, kubeconfigs and control-plane static pod manifests (kubeadm init)",
  args: {
    dir: {
      type: "string",
      description: "Directory for pki/, manifests/ and the kubeconfigs (kubeadm's /etc/kubernetes)",
      default: "/etc/kubernetes",
    },
    "node-name": { type: "string", description: "The control-plane node's name (default: the hostname)" },
    "apiserver-advertise-address": {
      type: "string",
      description: "The address the apiserver advertises (the kubernetes Service's endpoint)",
      default: "127.0.0.1",
    },
    "apiserver-bind-address": {
      type: "string",
      description: "The address the apiserver listens on",
      default: "127.0.0.1",
    },
    "apiserver-bind-port": {
      type: "string",
      valueHint: "int",
      description: "The apiserver's secure port",
      default: "6443",
    },
    "etcd-port": {
      type: "string",
      valueHint: "int",
      description: "The port of the static etcd pod (kube etcd, loopback, plain HTTP)",
      default: "2379",
    },
    "etcd-data-dir": { type: "string", description: "etcd's data directory (default: <dir>/etcd)" },
    "service-cidr": {
      type: "string",
      description: "CIDR from which Service ClusterIPs are allocated",
      default: "10.96.0.0/12",
    },
    "pod-network-cidr": {
      type: "string",
      description: "Pod CIDR of the cluster: the controller manager gives each node a /24 of it",
    },
    image: {
      type: "string",
      description: "Image of the control-plane pods (kube's own; hyperkube's names work too)",
      default: "kube",
    },
  },
  run: async (args, prog) => {
    const log = (line: string): void => console.error(`${prog}: ${line}`);
    const dir = resolve(args.dir);
    const node = (args["node-name"] ?? hostname()).toLowerCase();
    const securePort = parsePort("apiserver-bind-port", args["apiserver-bind-port"]);
    const etcdPort = parsePort("etcd-port", args["etcd-port"]);
    const advertiseAddress = parseIpAddress(
      "apiserver-advertise-address",
      args["apiserver-advertise-address"],
    );
    const bindAddress = parseIpAddress("apiserver-bind-address", args["apiserver-bind-address"]);
    const layout: InitLayout = {
      dir,
      pkiDir: join(dir, "pki"),
      etcdDataDir: resolve(args["etcd-data-dir"] ?? join(dir, "etcd")),
      etcdPort,
      securePort,
      bindAddress,
      advertiseAddress,
      serviceCidr: args["service-cidr"],
      ...(args["pod-network-cidr"] ? { podNetworkCidr: args["pod-network-cidr"] } : {}),
      image: args.image,
    };
    mkdirSync(join(dir, "manifests"), { recursive: true, mode: 0o755 });
    const pki = await ensureClusterPki(layout.pkiDir, {
      serverSans: servingSans({
        serviceClusterIpRange: layout.serviceCidr,
        extra: [advertiseAddress, bindAddress, node],
      }),
      clients: clusterIdentities([node]),
    });
    log(
      `[certs] ${pki.written.length ? `wrote ${pki.written.length} files` : "reused the certificates"} in ${pki.dir}`,
    );
    const host = bindAddress === "0.0.0.0" ? "127.0.0.1" : bindAddress;
    const server = `https://${host.includes(":") ? `[${host}]` : host}:${securePort}`;
    const kubeconfigs: [string, string, string][] = [
      ["admin.conf", "admin", "kubernetes-admin"],
      ["controller-manager.conf", "kube-controller-manager", "system:kube-controller-manager"],
      ["scheduler.conf", "kube-scheduler", "system:kube-scheduler"],
      ["kubelet.conf", `kubelet-${node}`, `system:node:${node}`],
    ];
    for (const [file, identity, user] of kubeconfigs) {
      const pair = pki.clients[identity];
      if (!pair) throw new Error(`no client certificate "${identity}" was made in ${pki.dir}`);
      writeKubeconfig(join(dir, file), {
        server,
        caPem: pki.ca.certPem,
        certPem: pair.certPem,
        keyPem: pair.keyPem,
        name: "kubernetes",
        user,
      });
    }
    log(`[kubeconfig] wrote ${kubeconfigs.map(([f]) => join(dir, f)).join(", ")}`);
    const manifests: [string, object][] = [
      ["etcd.yaml", etcdManifest(layout)],
      ["kube-apiserver.yaml", apiserverManifest(layout)],
      ["kube-controller-manager.yaml", controllerManagerManifest(layout)],
      ["kube-scheduler.yaml", schedulerManifest(layout)],
    ];
    for (const [file, pod] of manifests)
      writeFileSync(join(dir, "manifests", file), stringify(pod), { mode: 0o600 });
    log(`[control-plane] wrote static pod manifests to ${join(dir, "manifests")}`);
    console.log(
      [
        "Your Kubernetes control plane is ready to start. Run the kubelet (it starts the static pods):",
        "",
        `  kube kubelet --pod-manifest-path ${join(dir, "manifests")} --kubeconfig ${join(dir, "kubelet.conf")} --node-name ${node}`,
        "",
        "then use the cluster as its administrator:",
        "",
        `  kubectl --kubeconfig ${join(dir, "admin.conf")} get nodes`,
        "",
      ].join("\n"),
    );
    return 0;
  },
});
