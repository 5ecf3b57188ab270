// Cluster DNS from inside a pod, end to end with real processes: `kube apiserver`, a real kubelet
// (a network namespace per pod, --cluster-dns = its bridge address) and `kube dns` on that address,
// port 53. A busybox pod resolves a service by its short name through the search list (glibc's
// getent, the pod's /etc/resolv.conf) and an outside name through a fake upstream on 127.0.0.1.

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DnsListener } from "../../components/dns/dns-listener.ts";
import { apiserverArgv } from "../harness/apiserver-argv.ts";
import { spawnKubeDns, startFakeUpstream } from "../harness/dns-wire.ts";
import { ensureKubeBuilt } from "../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../harness/kube-process.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";
import { leftovers, removeKubeletPods, startKubeletProcess } from "../harness/kubelet.ts";
import { until as waitUntil } from "../harness/until.ts";

const root = process.getuid?.() === 0;
const node = `kt${process.pid % 100000}-dns`;

const until = <T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000) =>
  waitUntil(what, fn, { timeoutMs, intervalMs: 100 });

/** A /24 in 10.60-79.x (clear of the kubelet's default 10.88.x) that no interface here has yet. */
function freePodCIDR(): { cidr: string; gateway: string } {
  const used = spawnSync("ip", ["-4", "-o", "addr"], { encoding: "utf8" }).stdout ?? "";
  for (;;) {
    const prefix = `10.${60 + Math.floor(Math.random() * 20)}.${Math.floor(Math.random() * 250)}`;
    if (!used.includes(` ${prefix}.`)) return { cidr: `${prefix}.0/24`, gateway: `${prefix}.1` };
  }
}

const podsYaml = (command: string[], name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  restartPolicy: Never
  containers:
  - name: c
    image: busybox
    command: ${JSON.stringify(command)}
`;

describe.skipIf(!root)("cluster DNS from a pod", () => {
  setDefaultTimeout(60_000);
  let dir = "";
  let api: KubeProcess | undefined;
  let kubelet: KubeProcess | undefined;
  let dns: KubeProcess | undefined;
  let upstream: DnsListener | undefined;
  let kubectl: Kubectl | undefined;
  let bridge = "";
  const { cidr, gateway } = freePodCIDR();

  beforeAll(async () => {
    await ensureKubeBuilt();
    dir = mkdtempSync(join(tmpdir(), "kt-dns-e2e-"));
    api = spawnKube(apiserverArgv(join(dir, "db")));
    const url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    kubectl = kubectlFor(url);
    kubelet = await startKubeletProcess({
      nodeName: node,
      rootDir: join(dir, "kubelet"),
      args: ["--api-servers", url, "--pod-cidr", cidr, "--cluster-dns", gateway],
    });
    bridge = (kubelet.stderr().match(/bridge (kb[0-9a-f]+)/) ?? [])[1] ?? "";
    upstream = await startFakeUpstream();
    dns = spawnKubeDns({
      master: url,
      bindAddress: gateway,
      port: 53,
      upstream: `127.0.0.1:${upstream.port}`,
      clusterIP: "10.96.0.10",
    });
    await dns.waitFor(/registered as kube-system\/kube-dns/, 30_000);
    await kubectl(["create", "service", "clusterip", "kt-web", "--tcp=80:8080"]);
  }, 120_000);

  afterAll(async () => {
    try {
      dns?.kill("SIGTERM");
      await dns?.exited;
      await upstream?.close();
      if (dir) await removeKubeletPods(node, join(dir, "kubelet"), kubelet);
      api?.kill("SIGTERM");
      await api?.exited;
    } finally {
      // The kubelet keeps its bridge for the next start on the root dir; this test's is gone with it.
      if (bridge) spawnSync("ip", ["link", "del", "dev", bridge]);
      kubectl?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    expect(leftovers(node)).toEqual([]);
  }, 60_000);

  /** Runs a busybox pod to completion and returns its log. */
  const runPod = async (name: string, command: string[]): Promise<string> => {
    const k = kubectl as Kubectl;
    expect((await k(["apply", "-f", k.file(`${name}.yaml`, podsYaml(command, name))])).code).toBe(0);
    await until(`${name} finished`, async () => {
      const phase = (await k(["get", "pod", name, "-o", "jsonpath={.status.phase}"])).stdout.trim();
      return phase === "Succeeded" || phase === "Failed" ? phase : undefined;
    });
    return (await k(["logs", name])).stdout;
  };

  test("the pod's resolv.conf names the cluster DNS, the search list and ndots:5", async () => {
    expect(await runPod("kt-resolv", ["cat", "/etc/resolv.conf"])).toBe(
      `search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${gateway}\noptions ndots:5\n`.replace(
        "cluster.local\n",
        `cluster.local${hostSearchSuffix()}\n`,
      ),
    );
  });

  test("a service by its short name, and an outside name through the upstream", async () => {
    const clusterIP = (
      await (kubectl as Kubectl)(["get", "svc", "kt-web", "-o", "jsonpath={.spec.clusterIP}"])
    ).stdout;
    const log = await runPod("kt-lookup", [
      "sh",
      "-c",
      "getent ahostsv4 kt-web | head -1; getent ahostsv4 kt-web.default.svc.cluster.local | head -1; getent ahostsv4 www.kt-upstream.test | head -1; getent hosts kt-nope || echo missing",
    ]);
    expect(log.split("\n").map((l) => l.split(/\s+/).filter(Boolean))).toEqual([
      [clusterIP, "STREAM", "kt-web.default.svc.cluster.local"],
      [clusterIP, "STREAM", "kt-web.default.svc.cluster.local"],
      ["198.51.100.7", "STREAM", "www.kt-upstream.test"],
      ["missing"],
      [],
    ]);
  });

  test("kubectl cluster-info lists it; SIGTERM stops it cleanly and takes its endpoints away", async () => {
    const k = kubectl as Kubectl;
    expect((await k(["cluster-info"])).stdout).toContain("CoreDNS is running at");
    const endpoints = await k([
      "get",
      "endpoints",
      "-n",
      "kube-system",
      "kube-dns",
      "-o",
      "jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}",
    ]);
    expect(endpoints.stdout).toBe(`${gateway}:53`);
    dns?.kill("SIGTERM");
    expect(await dns?.exited).toBe(0);
    expect(dns?.stderr().trim().split("\n").at(-1)).toBe("kube dns: stopped");
    expect((await k(["get", "endpoints", "-n", "kube-system", "kube-dns"])).stderr).toContain("NotFound");
  });
});

/** The host resolv.conf's search domains, which ClusterFirst pods get after the cluster's. */
function hostSearchSuffix(): string {
  const text = readFileSync("/etc/resolv.conf", "utf8");
  const line = text
    .split("\n")
    .filter((l) => l.trim().startsWith("search "))
    .at(-1);
  const domains = (line?.trim().split(/\s+/).slice(1) ?? [])
    .map((d) => d.replace(/\.$/, ""))
    .filter((d) => !["default.svc.cluster.local", "svc.cluster.local", "cluster.local"].includes(d));
  return domains.length ? ` ${domains.join(" ")}` : "";
}
