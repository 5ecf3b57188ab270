// A master made of static pods, as seeds 002 and 004 set one up: an etcd first (`kube etcd`,
// seed 002's step one), then a kubelet joined to the apiserver its own manifest dir starts.
// Everything lives in one `kt-` dir; stop() is Ctrl-C on the kubelet (pods, netns and bridge
// go), checks nothing is left, and falls back to the harness sweep if something is.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../../components/kubelet/network/bridge.ts";
import { freePort } from "../../harness/etcd.ts";
import { ensureKubeBuilt, kubeBinary } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { leftovers, removeKubeletPods } from "../../harness/kubelet.ts";

export interface StaticPodMaster {
  dir: string;
  manifests: string;
  nodeName: string;
  /** The apiserver's insecure port (seed 002's 8080, picked free). */
  apiPort: number;
  /** The etcd client port (seed 002's 4001, picked free). */
  etcdPort: number;
  kubelet(): KubeProcess | undefined;
  /** Starts `kube kubelet` with the seed's flags (plus --root-dir and free ports). */
  startKubelet(seedFlags: string[]): KubeProcess;
  /** Ctrl-C on the kubelet; resolves with what was left behind (empty when clean), then removes it all. */
  stop(): Promise<{ exitCode: number | undefined; leftovers: string[] }>;
}

export async function prepareStaticPodMaster(
  tag: string,
  options: { etcd: boolean },
): Promise<StaticPodMaster> {
  await ensureKubeBuilt();
  const dir = mkdtempSync(join(tmpdir(), `kt-${tag}-`));
  const manifests = join(dir, "manifests");
  mkdirSync(manifests);
  const nodeName = `kt-${tag}-${process.pid}`;
  const apiPort = await freePort();
  const etcdPort = await freePort();
  let etcd: KubeProcess | undefined;
  if (options.etcd) {
    etcd = spawnKube([
      kubeBinary,
      "etcd",
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--data-dir=${join(dir, "etcd")}`,
    ]);
    await etcd.waitFor(/serving the etcd v3 API/, 30_000);
  }
  let kubelet: KubeProcess | undefined;
  let stopped: Promise<{ exitCode: number | undefined; leftovers: string[] }> | undefined;
  const rootDir = join(dir, "kubelet");
  return {
    dir,
    manifests,
    nodeName,
    apiPort,
    etcdPort,
    kubelet: () => kubelet,
    startKubelet(seedFlags) {
      kubelet = spawnKube([
        kubeBinary,
        "kubelet",
        ...seedFlags,
        `--hostname-override=${nodeName}`,
        `--root-dir=${rootDir}`,
        "--port=0",
        "--read-only-port=0",
        "--file-check-frequency=1s",
      ]);
      return kubelet;
    },
    stop() {
      stopped ??= stopAll();
      return stopped;
    },
  };

  async function stopAll(): Promise<{ exitCode: number | undefined; leftovers: string[] }> {
    let exitCode: number | undefined;
    if (kubelet) {
      kubelet.kill("SIGINT");
      exitCode = await kubelet.exited;
    }
    const left = [...leftovers(nodeName)];
    if (spawnSync("ip", ["link", "show", bridgeName(nodeName)]).status === 0) left.push(bridgeName(nodeName));
    const running = (spawnSync("ps", ["-eo", "args="], { encoding: "utf8" }).stdout ?? "")
      .split("\n")
      .filter((line) => line.startsWith(`${kubeBinary} `) && line.includes(dir) && !line.includes(" etcd "));
    left.push(...running);
    if (left.length > 0 || exitCode !== 0) await removeKubeletPods(nodeName, rootDir);
    if (etcd) {
      etcd.kill("SIGTERM");
      await etcd.exited;
    }
    rmSync(dir, { recursive: true, force: true });
    return { exitCode, leftovers: left };
  }
}

/** Writes `pod` as JSON into the manifest dir (seed 002's master.json). */
export function writeManifest(master: StaticPodMaster, file: string, pod: object): void {
  writeFileSync(join(master.manifests, file), JSON.stringify(pod, null, 2));
}
