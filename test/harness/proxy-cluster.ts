// A one-node cluster of real processes for `kube proxy` tests and the proxy bench: `kube apiserver`,
// `kube controller-manager` and a real kubelet, `kube proxy` on top, and removal of what a proxy
// leaves on the host (its nftables table, dummy interface and unreachable route).

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { apiserverArgv } from "./apiserver-argv.ts";
import { kubeBinary } from "./kube-binary.ts";
import { type KubeProcess, spawnKube } from "./kube-process.ts";
import { removeKubeletPods, startKubeletProcess } from "./kubelet.ts";

export interface ProxyCluster {
  /** The apiserver's URL. */
  url: string;
  api: KubeProcess;
  controllers: KubeProcess;
  kubelet: KubeProcess;
  /** Removes the kubelet's pods, then stops the controller manager and the apiserver. */
  stop(): Promise<void>;
}

export interface ProxyClusterOptions {
  /** A temp dir of the caller's: the apiserver's data and the kubelet's root dir go below it. */
  dir: string;
  node: string;
  /** --service-cluster-ip-range for the apiserver (and the proxy). */
  range: string;
  /** The controller manager's --controllers. */
  controllers: string;
}

/** Starts apiserver, controller manager and kubelet; on a failure stops what it started. */
export async function startProxyCluster(options: ProxyClusterOptions): Promise<ProxyCluster> {
  const { dir, node, range } = options;
  const started: KubeProcess[] = [];
  let kubelet: KubeProcess | undefined;
  const stop = async (): Promise<void> => {
    await removeKubeletPods(node, join(dir, "kubelet"), kubelet);
    for (const p of [...started].reverse()) {
      p.kill("SIGTERM");
      await p.exited;
    }
  };
  try {
    const api = spawnKube(apiserverArgv(join(dir, "db"), "--service-cluster-ip-range", range));
    started.push(api);
    const url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    const controllers = spawnKube([
      kubeBinary,
      "controller-manager",
      "--master",
      url,
      // The apiserver's CA (it made one in its data dir): kube-root-ca.crt for pods' tokens.
      "--root-ca-file",
      join(dir, "db", "tls", "ca.crt"),
      "--leader-elect=false",
      "--controllers",
      options.controllers,
    ]);
    started.push(controllers);
    kubelet = await startKubeletProcess({
      nodeName: node,
      rootDir: join(dir, "kubelet"),
      args: ["--api-servers", url],
    });
    return { url, api, controllers, kubelet, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface ProxyOptions {
  url: string;
  node: string;
  mode: "nftables" | "userspace";
  table: string;
  dummy: string;
  range: string;
  /** --nodeport-addresses, when given. */
  nodePortAddresses?: string;
}

/** Spawns `kube proxy` (wait for /proxy ready/ yourself). */
export function spawnProxy(options: ProxyOptions): KubeProcess {
  return spawnKube([
    kubeBinary,
    "proxy",
    "--master",
    options.url,
    "--hostname-override",
    options.node,
    "--proxy-mode",
    options.mode,
    "--nftables-table",
    options.table,
    "--dummy-interface",
    options.dummy,
    "--service-cluster-ip-range",
    options.range,
    ...(options.nodePortAddresses ? ["--nodeport-addresses", options.nodePortAddresses] : []),
  ]);
}

/** Deletes what a proxy with these names may have left: its table, its interface, its route. */
export function removeProxyState(options: { table: string; dummy: string; range: string }): void {
  spawnSync("nft", ["delete", "table", "ip", options.table]);
  spawnSync("ip", ["link", "del", "dev", options.dummy]);
  spawnSync("ip", ["route", "del", "unreachable", options.range]);
}
