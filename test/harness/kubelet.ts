// `kube kubelet` processes for end-to-end tests: started from the compiled binary on free
// ports, and torn down so nothing outlives the test — a last kubelet run on the same root dir
// with no pod source removes every pod left behind, then the netns/veth/bridge check.

import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { kubeBinary } from "./kube-binary.ts";
import { type KubeProcess, spawnKube } from "./kube-process.ts";

export interface KubeletProcess extends KubeProcess {
  nodeName: string;
  rootDir: string;
  /** The kubelet server's port (logs, exec, /pods). */
  port: number;
}

export async function startKubeletProcess(options: {
  nodeName: string;
  rootDir: string;
  args: string[];
}): Promise<KubeletProcess> {
  const proc = spawnKube([
    kubeBinary,
    "kubelet",
    "--node-name",
    options.nodeName,
    "--root-dir",
    options.rootDir,
    "--port",
    "0",
    "--read-only-port",
    "0",
    ...options.args,
  ]);
  const match = await proc.waitFor(/kubelet ready .*server on port (\d+)/, 30_000);
  return { ...proc, nodeName: options.nodeName, rootDir: options.rootDir, port: Number(match[1]) };
}

/** Stops `kubelet` (if given), then removes every pod still running from its root dir. */
export async function removeKubeletPods(
  nodeName: string,
  rootDir: string,
  kubelet?: KubeProcess,
  /** Flags the kubelet ran with that decide where its pods are (`--runtime auto` or `oci`). */
  extraArgs: string[] = [],
): Promise<void> {
  if (kubelet) {
    kubelet.kill("SIGTERM");
    await kubelet.exited;
  }
  const empty = join(rootDir, "kt-no-manifests");
  mkdirSync(empty, { recursive: true });
  const sweeper = spawnKube([
    kubeBinary,
    "kubelet",
    "--node-name",
    nodeName,
    "--root-dir",
    rootDir,
    "--pod-manifest-path",
    empty,
    "--port",
    "0",
    "--read-only-port",
    "0",
    "--stop-pods-on-exit",
    ...extraArgs,
  ]);
  try {
    await sweeper.waitFor(/pods from before this start checked/, 30_000);
  } finally {
    sweeper.kill("SIGTERM");
    await sweeper.exited;
  }
}

/** Network namespaces and links whose names mention `fragment` (empty when nothing leaked). */
export function leftovers(fragment: string): string[] {
  const netns = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
  return netns
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.includes(fragment));
}
