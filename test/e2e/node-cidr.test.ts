// Seed 004's pod networking: the controller manager allocates each node a pod CIDR out of
// --cluster-cidr (--allocate-node-cidrs), and a kubelet started with --configure-cbr0 waits for
// it and puts its bridge and pod IPs in that range.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { apiserverArgv } from "../harness/apiserver-argv.ts";
import { ensureKubeBuilt, kubeBinary } from "../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../harness/kube-process.ts";
import {
  type KubeletProcess,
  leftovers,
  removeKubeletPods,
  startKubeletProcess,
} from "../harness/kubelet.ts";
import { leaseOctet } from "../harness/octet-lease.ts";
import { until } from "../harness/until.ts";

const root = process.getuid?.() === 0;
const node = `kt${process.pid % 100000}-cidr`;
// The cluster CIDR is leased, so a kube server's pods starting beside this test never share it.
const cidrLease = leaseOctet(200, 250);
const clusterOctet = cidrLease.octet;

describe.skipIf(!root)("node pod CIDRs from the controller manager (seed 004)", () => {
  let dir: string;
  let url = "";
  let api: KubeProcess | undefined;
  let controllers: KubeProcess | undefined;
  let kubelet: KubeletProcess | undefined;

  beforeAll(async () => {
    await ensureKubeBuilt();
    dir = mkdtempSync(join(tmpdir(), "kt-cidr-"));
    api = spawnKube(apiserverArgv(join(dir, "db")));
    url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    controllers = spawnKube([
      kubeBinary,
      "controller-manager",
      "--master",
      url,
      "--controllers",
      "nodeipam",
      "--allocate-node-cidrs",
      "--cluster-cidr",
      `10.${clusterOctet}.0.0/16`,
    ]);
    await controllers.waitFor(/started \d+ controllers/);
  });

  afterAll(async () => {
    await removeKubeletPods(node, join(dir, "root"), kubelet);
    for (const p of [controllers, api]) {
      p?.kill("SIGTERM");
      await p?.exited;
    }
    rmSync(dir, { recursive: true, force: true });
    cidrLease.release();
    expect(leftovers(node)).toEqual([]);
  });

  test("a --configure-cbr0 kubelet waits for its CIDR and gives pods IPs from it", async () => {
    kubelet = await startKubeletProcess({
      nodeName: node,
      rootDir: join(dir, "root"),
      args: ["--api-servers", url, "--configure-cbr0"],
    });
    expect(kubelet.stderr()).toContain("waiting for the controller manager to give node");
    const n = (await (await fetch(`${url}/api/v1/nodes/${node}`)).json()) as Node;
    expect(n.spec?.podCIDR).toMatch(new RegExp(`^10\\.${clusterOctet}\\.\\d+\\.0/24$`));
    const prefix = n.spec?.podCIDR?.split(".").slice(0, 3).join(".");
    expect(n.status?.addresses?.find((a) => a.type === "InternalIP")?.address).toBe(`${prefix}.1`);
    await fetch(`${url}/api/v1/namespaces/default/pods`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { nodeName: node, containers: [{ name: "c", image: "pause" }] },
      }),
    });
    const pod = await until("p running", async () => {
      const p = (await (await fetch(`${url}/api/v1/namespaces/default/pods/p`)).json()) as Pod;
      return p.status?.phase === "Running" ? p : undefined;
    });
    expect(pod.status?.podIP?.startsWith(`${prefix}.`)).toBe(true);
  });
});
