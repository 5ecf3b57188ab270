// A kubelet joined to an API server that does not answer (yet): its static pods start at once
// (no wait for Services, as upstream), and Ctrl-C ends it cleanly — the first SIGINT stops the
// pods within their grace period, a second one cuts the grace short and still removes the pods'
// processes, network namespaces and the bridge.

import { afterEach, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../../components/kubelet/network/bridge.ts";
import { freePort } from "../../harness/etcd.ts";
import { ensureKubeBuilt, kubeBinary } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { leftovers, removeKubeletPods } from "../../harness/kubelet.ts";

const root = process.getuid?.() === 0;

/** A pod on the pod network; a stubborn one ignores SIGTERM (only SIGKILL ends it). */
const sleeper = (marker: string, stubborn: boolean) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "stubborn" },
  spec: {
    terminationGracePeriodSeconds: 60,
    containers: [
      {
        name: "sleeper",
        image: "busybox",
        command: stubborn
          ? ["/bin/sh", "-c", `trap '' TERM; echo ${marker}; while true; do sleep 0.2; done`]
          : ["/bin/sh", "-c", `echo ${marker}; exec sleep 3600`, marker],
      },
    ],
  },
});

/** Processes whose command line mentions `marker`. */
function processesWith(marker: string): string[] {
  const out = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).stdout ?? "";
  return out.split("\n").filter((line) => line.includes(marker) && !line.includes("ps -eo"));
}

describe.skipIf(!root)("a kubelet whose API server does not answer", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  }, 60_000);

  async function start(
    tag: string,
    stubborn: boolean,
  ): Promise<{ kubelet: KubeProcess; node: string; marker: string; startedAt: number }> {
    await ensureKubeBuilt();
    const dir = mkdtempSync(join(tmpdir(), `kt-${tag}-`));
    const node = `kt-${tag}-${process.pid}`;
    const marker = `kt-marker-${tag}-${process.pid}`;
    const manifests = join(dir, "manifests");
    mkdirSync(manifests);
    writeFileSync(join(manifests, "stubborn.json"), JSON.stringify(sleeper(marker, stubborn)));
    const rootDir = join(dir, "root");
    // A port nobody listens on: the API server "is not up yet".
    const nobody = await freePort();
    const startedAt = performance.now();
    const kubelet = spawnKube([
      kubeBinary,
      "kubelet",
      `--api-servers=http://127.0.0.1:${nobody}`,
      `--pod-manifest-path=${manifests}`,
      `--hostname-override=${node}`,
      `--root-dir=${rootDir}`,
      "--port=0",
      "--read-only-port=0",
    ]);
    cleanups.push(async () => {
      kubelet.kill("SIGKILL");
      await kubelet.exited;
      await removeKubeletPods(node, rootDir);
      rmSync(dir, { recursive: true, force: true });
    });
    return { kubelet, node, marker, startedAt };
  }

  const nothingLeft = (node: string, marker: string): string[] => [
    ...leftovers(node),
    ...(spawnSync("ip", ["link", "show", bridgeName(node)]).status === 0 ? [bridgeName(node)] : []),
    ...processesWith(marker),
  ];

  test("its static pod starts at once; Ctrl-C waits out the grace period, a second one kills and removes it all", async () => {
    const { kubelet, node, marker, startedAt } = await start("noapi1", true);
    await kubelet.waitFor(/Started container sleeper/, 10_000);
    const startMs = performance.now() - startedAt;
    console.log(
      `static pod started ${Math.round(startMs)} ms after the kubelet was spawned (API unreachable)`,
    );
    expect(kubelet.stderr()).not.toContain("services have not yet been read");
    expect(startMs).toBeLessThan(5000);
    expect(processesWith(marker).length).toBeGreaterThan(0);
    expect(leftovers(node).length).toBe(1);
    kubelet.kill("SIGINT");
    await kubelet.waitFor(/SIGINT: stopping the pods within their grace periods/);
    // The container ignores SIGTERM: it goes when its 60 s grace ends... unless a second Ctrl-C.
    expect(await Promise.race([kubelet.exited, Bun.sleep(1500).then(() => "still stopping")])).toBe(
      "still stopping",
    );
    kubelet.kill("SIGINT");
    expect(await kubelet.exited).toBe(130);
    expect(kubelet.stderr()).toContain("SIGINT again: stopping now");
    expect(nothingLeft(node, marker)).toEqual([]);
  }, 60_000);

  test("a pod that ends on SIGTERM: one Ctrl-C stops the kubelet at once, nothing left behind", async () => {
    const { kubelet, node, marker } = await start("noapi2", false);
    await kubelet.waitFor(/Started container sleeper/, 10_000);
    const stopping = performance.now();
    kubelet.kill("SIGINT");
    expect(await kubelet.exited).toBe(0);
    expect(performance.now() - stopping).toBeLessThan(10_000);
    expect(kubelet.stderr()).not.toContain("still stopping");
    expect(nothingLeft(node, marker)).toEqual([]);
  }, 60_000);
});
