// Pods across hosts (issue 13, seed 004's flannel host-gw): three "hosts" made of network
// namespaces on one bridge, the control plane in the first, a `kube kubelet` and a
// `kube proxy --host-gw` in each of the other two. Each proxy routes the other node's pod CIDR
// via its InternalIP (--node-ip); a pod on one host reaches a pod and a ClusterIP Service on the
// other, and the route goes when its Node does. Everything is removed afterwards.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { ensureKubeBuilt, kubeBinary } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { leaseOctet } from "../../harness/octet-lease.ts";
import { makeTestPki, type TestPki } from "../../harness/openssl-pki.ts";
import { until } from "../../harness/until.ts";

const root = process.getuid?.() === 0;
const busybox = Bun.which("busybox");
const tag = String(process.pid % 10000);
const bridge = `kt-hb${tag}`;
// The hosts' network (on a bridge of this namespace) is leased: no kube server beside this test takes it.
const hostsLease = leaseOctet(200, 250);
const hosts = [0, 1, 2].map((i) => ({
  ns: `kt-host${i}-${tag}`,
  veth: `kt-h${i}v${tag}`,
  ip: `10.${hostsLease.octet}.${Number(tag) % 200}.${10 + i}`,
}));
const gatewayIP = `10.${hostsLease.octet}.${Number(tag) % 200}.1`;
const nodes = ["kt-hgw-a", "kt-hgw-b"];

function ip(...args: string[]): string {
  const run = spawnSync("ip", args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`ip ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

function ipQuiet(...args: string[]): void {
  spawnSync("ip", args, { encoding: "utf8" });
}

function inHost(host: number, argv: string[]): string[] {
  return ["ip", "netns", "exec", (hosts[host] as (typeof hosts)[number]).ns, ...argv];
}

/** The network namespace of a pod the kubelet of `node` runs. */
function podNetns(node: string, pod: string): string | undefined {
  return ip("netns", "list")
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .find((name) => name.startsWith(`kube-${node}-default-${pod}-`));
}

/**
 * Runs argv in a pod's network namespace. The kubelet runs in its host's mount namespace (`ip
 * netns exec` makes one), where the pod namespaces are mounted, so this enters that first.
 */
function inPod(kubelet: KubeProcess, netns: string, argv: string[]): { ok: boolean; out: string } {
  const run = spawnSync(
    "nsenter",
    ["--target", String(kubelet.pid), "--mount", "--", "ip", "netns", "exec", netns, ...argv],
    { encoding: "utf8" },
  );
  const failure =
    run.status === 0
      ? ""
      : ` (exit ${run.status}, signal ${run.signal}${run.error ? `, ${run.error.message}` : ""})`;
  return { ok: run.status === 0, out: `${run.stdout}${run.stderr}${failure}` };
}

/** GET `url` from inside a pod (with bun: busybox-static's wget crashes in glibc's static resolver). */
function wget(kubelet: KubeProcess, netns: string, url: string): { ok: boolean; out: string } {
  const script = `const r = await fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }); console.log(await r.text());`;
  return inPod(kubelet, netns, [process.execPath, "-e", script]);
}

describe.skipIf(!root)("pods across hosts through host-gw routes", () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-hostgw-"));
  let pki: TestPki | undefined;
  const procs: KubeProcess[] = [];
  const kubelets: KubeProcess[] = [];
  let client: ApiClient;

  beforeAll(async () => {
    await ensureKubeBuilt();
    // The "hosts": a bridge in this namespace, one namespace per host with a veth on it.
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", `${gatewayIP}/24`, "dev", bridge);
    ip("link", "set", bridge, "up");
    for (const host of hosts) {
      ip("netns", "add", host.ns);
      ip("link", "add", host.veth, "type", "veth", "peer", "name", "eth0", "netns", host.ns);
      ip("link", "set", host.veth, "master", bridge, "up");
      ip("-n", host.ns, "addr", "add", `${host.ip}/24`, "dev", "eth0");
      ip("-n", host.ns, "link", "set", "eth0", "up");
      ip("-n", host.ns, "link", "set", "lo", "up");
    }
    // One CA: the apiserver's serving certificate names host 0; one admin identity for the test
    // and the components (the point here is the data path, not who may do what).
    pki = makeTestPki();
    const serving = pki.issue("apiserver", {
      sans: [`IP:${(hosts[0] as (typeof hosts)[number]).ip}`, "IP:127.0.0.1"],
    });
    const admin = pki.issue("admin", { cn: "kt-admin", organizations: ["system:masters"] });
    const resolv = join(dir, "resolv.conf");
    writeFileSync(resolv, "nameserver 127.0.0.1\n");

    const api = spawnKube(
      inHost(0, [
        kubeBinary,
        "apiserver",
        "--data-dir",
        join(dir, "api"),
        "--bind-address",
        (hosts[0] as (typeof hosts)[number]).ip,
        "--secure-port",
        "0",
        "--tls-cert-file",
        serving.certFile,
        "--tls-private-key-file",
        serving.keyFile,
        "--client-ca-file",
        pki.ca.certFile,
      ]),
    );
    procs.push(api);
    const url = (await api.waitFor(/serving the Kubernetes API on (https:\/\/\S+)/, 30_000))[1] as string;
    const kubeconfig = join(dir, "admin.conf");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: kt, cluster: {server: "${url}", certificate-authority: "${pki.ca.certFile}"}}]
users: [{name: kt, user: {client-certificate: "${admin.certFile}", client-key: "${admin.keyFile}"}}]
contexts: [{name: kt, context: {cluster: kt, user: kt}}]
current-context: kt
`,
    );
    client = new ApiClient({
      server: url,
      tls: { caPem: pki.ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem },
    });
    procs.push(
      spawnKube(
        inHost(0, [
          kubeBinary,
          "controller-manager",
          "--kubeconfig",
          kubeconfig,
          "--no-leader-elect",
          "--allocate-node-cidrs",
          "--cluster-cidr",
          `10.${214 + (Number(tag) % 20)}.0.0/16`,
        ]),
      ),
      spawnKube(inHost(0, [kubeBinary, "scheduler", "--kubeconfig", kubeconfig, "--no-leader-elect"])),
    );
    for (const [i, node] of nodes.entries()) {
      const host = i + 1;
      const kubelet = spawnKube(
        inHost(host, [
          kubeBinary,
          "kubelet",
          "--kubeconfig",
          kubeconfig,
          "--node-name",
          node,
          "--node-ip",
          (hosts[host] as (typeof hosts)[number]).ip,
          "--configure-cbr0",
          "--root-dir",
          join(dir, `kubelet-${node}`),
          "--port",
          "0",
          "--read-only-port",
          "0",
          "--resolv-conf",
          resolv,
        ]),
      );
      kubelets.push(kubelet);
      procs.push(
        spawnKube(
          inHost(host, [
            kubeBinary,
            "proxy",
            "--kubeconfig",
            kubeconfig,
            "--hostname-override",
            node,
            "--host-gw",
          ]),
        ),
      );
    }
    await until(
      "both nodes Ready with a pod CIDR",
      async () => {
        const list = await client.get<{ items: Node[] }>("/api/v1/nodes");
        const ready = list.items.filter(
          (n) =>
            n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        );
        return ready.length === 2 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  }, 120_000);

  afterAll(async () => {
    // Ctrl-C: each kubelet stops its pods and removes their namespaces and its bridge.
    for (const kubelet of kubelets) kubelet.kill("SIGINT");
    await Promise.all(kubelets.map((k) => k.exited));
    for (const proc of procs) {
      proc.kill("SIGTERM");
      await proc.exited;
    }
    const leaked = ip("netns", "list")
      .split("\n")
      .map((line) => line.split(" ")[0] ?? "")
      .filter((name) => nodes.some((node) => name.startsWith(`kube-${node}-`)));
    for (const ns of leaked) {
      for (const pid of spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8" })
        .stdout.split("\n")
        .filter(Boolean))
        spawnSync("kill", ["-9", pid]);
      ipQuiet("netns", "del", ns);
    }
    for (const host of hosts) ipQuiet("netns", "del", host.ns);
    ipQuiet("link", "del", bridge);
    hostsLease.release();
    pki?.remove();
    rmSync(dir, { recursive: true, force: true });
    expect(leaked).toEqual([]);
  });

  test("a pod reaches a pod and a Service on another host; the route goes with its node", async () => {
    const pods = resource<Pod>(client, "pods").namespace("default");
    const services = resource<Service>(client, "services").namespace("default");
    for (const [i, node] of nodes.entries())
      await pods.create({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `web-${i}`, labels: { app: `web-${i}` } },
        spec: { nodeName: node, containers: [{ name: "web", image: "nginx" }] },
      });
    await services.create({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web-1" },
      spec: { selector: { app: "web-1" }, ports: [{ port: 8080, targetPort: 80 }] },
    });
    const ips = await until(
      "both pods Running with IPs",
      async () => {
        const [a, b] = await Promise.all([pods.get("web-0"), pods.get("web-1")]);
        return a.status?.phase === "Running" &&
          b.status?.phase === "Running" &&
          a.status.podIP &&
          b.status.podIP
          ? { a: a.status.podIP, b: b.status.podIP, hostA: a.status.hostIP }
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(ips.hostA).toBe((hosts[1] as (typeof hosts)[number]).ip);
    const nsA = podNetns(nodes[0] as string, "web-0") as string;
    const kubeletA = kubelets[0] as KubeProcess;
    expect(nsA).toBeDefined();

    // Host 1 routes host 2's pod CIDR via host 2's address, and the other way round.
    const nodeB = await client.get<Node>(`/api/v1/nodes/${nodes[1]}`);
    await until("host 1's route to host 2's pods", () => {
      const routes = ip("-n", (hosts[1] as (typeof hosts)[number]).ns, "route", "show", "proto", "107");
      return routes.includes(`${nodeB.spec?.podCIDR} via ${(hosts[2] as (typeof hosts)[number]).ip}`)
        ? true
        : undefined;
    });

    // Pod to pod across hosts, and pod to ClusterIP with the endpoint on the other host.
    const dump = async () => {
      for (const h of [1, 2]) {
        const ns = (hosts[h] as (typeof hosts)[number]).ns;
        console.error(`--- ${ns}\n${ip("-n", ns, "-4", "addr")}\n${ip("-n", ns, "route")}`);
        console.error(
          spawnSync("ip", ["netns", "exec", ns, "nft", "list", "ruleset"], { encoding: "utf8" }).stdout,
        );
        console.error(
          spawnSync("ip", ["netns", "exec", ns, "sysctl", "net.ipv4.ip_forward"], { encoding: "utf8" })
            .stdout,
        );
      }
      console.error(`--- pod A ${nsA}`, inPod(kubeletA, nsA, ["ip", "-4", "addr"]).out);
      console.error(inPod(kubeletA, nsA, ["ip", "route"]).out);
      for (const target of [
        (hosts[1] as (typeof hosts)[number]).ip,
        (hosts[2] as (typeof hosts)[number]).ip,
        ips.b,
      ])
        if (busybox)
          console.error(`ping ${target}:`, inPod(kubeletA, nsA, [busybox, "ping", "-c1", "-W1", target]).out);
      console.error(wget(kubeletA, nsA, `http://${ips.b}/`).out);
    };
    const direct = await until(
      "web-0 reaches web-1 by pod IP",
      () => {
        const got = wget(kubeletA, nsA, `http://${ips.b}/`);
        return got.ok ? got.out : undefined;
      },
      { onTimeout: dump },
    );
    expect(direct.toLowerCase()).toContain("nginx");
    const clusterIP = (await services.get("web-1")).spec?.clusterIP as string;
    const viaService = await until(
      "web-0 reaches Service web-1",
      () => {
        const got = wget(kubeletA, nsA, `http://${clusterIP}:8080/`);
        return got.ok ? got.out : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(viaService.toLowerCase()).toContain("nginx");

    // The node goes (its kubelet stopped, the Node deleted): its route goes too.
    const kubeletB = kubelets[1] as KubeProcess;
    kubeletB.kill("SIGINT");
    await kubeletB.exited;
    await client.delete(`/api/v1/nodes/${nodes[1]}`);
    await until("the route to the deleted node's pods removed", () => {
      const routes = ip("-n", (hosts[1] as (typeof hosts)[number]).ns, "route", "show", "proto", "107");
      return routes.includes(nodeB.spec?.podCIDR as string) ? undefined : true;
    });
  }, 180_000);
});
