// `kube proxy` end to end with real processes: apiserver, controller manager (endpointslice and
// service-lb), a real kubelet (a network namespace per pod) and the proxy, first in nftables mode
// then in userspace mode; asserted with the real kubectl, real TCP connections and UDP datagrams
// from the host and from inside a pod, and `nft list table`. Nothing is left behind.

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureKubeBuilt } from "../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../harness/kube-process.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";
import { leftovers } from "../harness/kubelet.ts";
import { leaseOctet } from "../harness/octet-lease.ts";
import {
  type ProxyCluster,
  removeProxyState,
  spawnProxy,
  startProxyCluster,
} from "../harness/proxy-cluster.ts";
import { until as waitUntil } from "../harness/until.ts";

const root = process.getuid?.() === 0;
const nftWorks = root && spawnSync("nft", ["list", "tables"]).status === 0;
const tag = `kt${process.pid % 100000}`;
const node = `${tag}-px`;
const table = `kt-px${process.pid % 100000}`;
const dummy = `kt-px${process.pid % 100000}`.slice(0, 15);
// Leased: a kube server started beside this test never gets the same service range.
const rangeLease = leaseOctet(100, 199);
const range = `10.${rangeLease.octet}.0.0/16`;

const until = <T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000) =>
  waitUntil(what, fn, { timeoutMs, intervalMs: 100 });

type Outcome = { kind: "data"; text: string } | { kind: "refused" };

/** Connects, reads until the server closes; "refused" when the connection is refused or reset. */
function tcpOnce(ip: string, port: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`${ip}:${port} timed out`)), 3000);
    Bun.connect({
      hostname: ip,
      port,
      socket: {
        data: (_s, d) => {
          text += d.toString();
        },
        close: () => {
          clearTimeout(timer);
          resolve({ kind: "data", text });
        },
        error: () => {
          clearTimeout(timer);
          resolve({ kind: "refused" });
        },
        connectError: () => {
          clearTimeout(timer);
          resolve({ kind: "refused" });
        },
      },
    }).catch(() => {
      clearTimeout(timer);
      resolve({ kind: "refused" });
    });
  });
}

/** The greeting at ip:port, waiting until one arrives. */
const greeting = (ip: string, port: number) =>
  until(`a greeting from ${ip}:${port}`, async () => {
    const r = await tcpOnce(ip, port);
    return r.kind === "data" && r.text ? r.text : undefined;
  });

const refused = (ip: string, port: number) =>
  until(`${ip}:${port} refused`, async () =>
    (await tcpOnce(ip, port)).kind === "refused" ? true : undefined,
  );

/** One UDP round trip from the host: the reply text, or undefined after 1 s. */
function udpOnce(ip: string, port: number, message: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const timer = setTimeout(() => finish(undefined), 1000);
    const finish = (value: string | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    socket.on("message", (data) => finish(data.toString()));
    socket.on("error", () => finish(undefined));
    socket.send(message, port, ip);
  });
}

const pod = (name: string, app: string, container: object) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {app: ${app}}}\nspec: {nodeName: ${node}, containers: [${JSON.stringify({ name: "c", ...container })}]}\n`;
const hello = (image: string, port: number) => ({
  image,
  env: [{ name: "PORT", value: String(port) }],
  ports: [{ name: "greet", containerPort: port }],
});
const podsYaml = [
  pod("hello-a", "px", hello("hello", 8081)),
  pod("hello-b", "px", hello("hello-world", 8082)),
  pod("udp", "udp", { image: "pause", ports: [{ name: "echo", containerPort: 5353, protocol: "UDP" }] }),
].join("---\n");

const service = (name: string, spec: object) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: ${JSON.stringify(spec)}\n`;
const greet = { selector: { app: "px" }, ports: [{ port: 80, targetPort: "greet" }] };
const servicesYaml = [
  service("web", greet),
  service("web-np", { type: "NodePort", ...greet }),
  service("web-lb", { ...greet, type: "LoadBalancer", ports: [{ port: 8765, targetPort: "greet" }] }),
  service("sticky", {
    ...greet,
    sessionAffinity: "ClientIP",
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
  }),
  service("echo", { selector: { app: "udp" }, ports: [{ port: 53, protocol: "UDP", targetPort: "echo" }] }),
  service("headless", { ...greet, clusterIP: "None" }),
  service("empty", { selector: { app: "nothing" }, ports: [{ port: 80 }] }),
].join("---\n");

/** A UDP echo server on port 5353, run by the test in the udp pod's network namespace. */
const udpEchoScript = `const s = require("node:dgram").createSocket("udp4");
s.on("message", (m, r) => s.send("echo " + m, r.port, r.address));
s.bind(5353, "0.0.0.0", () => console.error("udp echo listening"));`;

describe.skipIf(!root)("kube proxy", () => {
  setDefaultTimeout(30_000);
  let dir = "";
  let cluster: ProxyCluster | undefined;
  let proxy: KubeProcess | undefined;
  let echo: KubeProcess | undefined;
  let kubectl: Kubectl;
  let nodeIP = "";
  const clusterIP: Record<string, string> = {};

  const startProxy = async (mode: "nftables" | "userspace"): Promise<KubeProcess> => {
    const url = cluster?.url ?? "";
    const p = spawnProxy({ url, node, mode, table, dummy, range, nodePortAddresses: nodeIP });
    await p.waitFor(/proxy ready/, 30_000);
    return p;
  };
  const stopProxy = async (): Promise<void> => {
    proxy?.kill("SIGTERM");
    await proxy?.exited;
    proxy = undefined;
  };
  const nftTable = (): string | undefined => {
    const r = spawnSync("nft", ["list", "table", "ip", table], { encoding: "utf8" });
    return r.status === 0 ? r.stdout : undefined;
  };
  /** Connects to web's ClusterIP from the host until both pods have answered; their greetings, sorted. */
  const bothEndpoints = async (): Promise<string[]> => {
    const seen = new Set<string>();
    await until("both endpoints answered", async () => {
      const r = await tcpOnce(clusterIP.web ?? "", 80);
      if (r.kind === "data" && r.text) seen.add(r.text);
      return seen.size === 2 ? true : undefined;
    });
    return [...seen].sort();
  };
  /** A greeting from web's ClusterIP read inside the hello-a pod (bash's /dev/tcp). */
  const insideHelloA = () =>
    until("an answer inside hello-a", async () => {
      const script = `exec 3<>/dev/tcp/${clusterIP.web}/80; cat <&3`;
      const out = await kubectl(["exec", "hello-a", "--", "bash", "-c", script]);
      return out.stdout.startsWith("hello") ? out.stdout : undefined;
    });
  /** ClientIP affinity: `times` more greetings from sticky's ClusterIP are all the first one. */
  const affinityHolds = async (times: number): Promise<void> => {
    const first = await greeting(clusterIP.sticky ?? "", 80);
    for (let i = 0; i < times; i++) expect(await greeting(clusterIP.sticky ?? "", 80)).toBe(first);
  };
  const svcField = async (name: string, path: string) =>
    (await kubectl(["get", "svc", name, "-o", `jsonpath={${path}}`])).stdout.trim();

  beforeAll(async () => {
    await ensureKubeBuilt();
    dir = mkdtempSync(join(tmpdir(), "kt-proxy-e2e-"));
    cluster = await startProxyCluster({ dir, node, range, controllers: "endpointslice,service-lb" });
    kubectl = kubectlFor(cluster.url);
    nodeIP = await until("node InternalIP", async () => {
      const r = await kubectl([
        "get",
        "node",
        node,
        "-o",
        'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}',
      ]);
      return r.stdout.trim() || undefined;
    });
    expect((await kubectl(["apply", "-f", kubectl.file("pods.yaml", podsYaml)])).code).toBe(0);
    expect((await kubectl(["apply", "-f", kubectl.file("svc.yaml", servicesYaml)])).code).toBe(0);
    for (const name of ["web", "web-np", "web-lb", "sticky", "echo", "empty"])
      clusterIP[name] = await svcField(name, ".spec.clusterIP");
    await until("pods Running", async () => {
      const r = await kubectl(["get", "pods", "--no-headers"]);
      return r.stdout.split("\n").filter((l) => /\s1\/1\s+Running\s/.test(l)).length === 3 ? true : undefined;
    });
    const netns = await until("the udp pod's network namespace", () =>
      leftovers(node).find((name) => name.includes("-udp-")),
    );
    echo = spawnKube(["ip", "netns", "exec", netns, process.execPath, "-e", udpEchoScript]);
    await echo.waitFor(/udp echo listening/);
    // Every service with its endpoints in slices before the proxy starts syncing them.
    await until("endpoint slices", async () => {
      const r = await kubectl(["get", "endpointslices", "-o", "json"]);
      const slices = JSON.parse(r.stdout) as {
        items: {
          metadata: { labels: Record<string, string> };
          endpoints?: { conditions?: { ready?: boolean } }[];
        }[];
      };
      const ready = (svc: string) =>
        slices.items
          .filter((s) => s.metadata.labels["kubernetes.io/service-name"] === svc)
          .flatMap((s) => s.endpoints ?? [])
          .filter((e) => e.conditions?.ready).length;
      return ["web", "web-np", "web-lb", "sticky"].every((s) => ready(s) === 2) && ready("echo") === 1
        ? true
        : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    try {
      await stopProxy();
      echo?.kill("SIGTERM");
      await echo?.exited;
      await cluster?.stop();
    } finally {
      removeProxyState({ table, dummy, range });
      rangeLease.release();
      kubectl?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    expect(leftovers(node)).toEqual([]);
  }, 60_000);

  test.skipIf(!nftWorks)("nftables: says its mode, and owns one table", async () => {
    proxy = await startProxy("nftables");
    expect(proxy.stderr()).toMatch(/using nftables mode \(table ip kt-px\d+; --proxy-mode nftables\)/);
    expect(nftTable()).toContain(`table ip ${table}`);
  });

  test.skipIf(!nftWorks)(
    "nftables: ClusterIP from the host balances over both pods (named targetPort per pod)",
    async () => {
      expect(await bothEndpoints()).toEqual(["hello\n", "hello world\n"]);
    },
  );

  test.skipIf(!nftWorks)("nftables: ClusterIP from inside a pod", async () => {
    expect(["hello\n", "hello world\n"]).toContain(await insideHelloA());
  });

  test.skipIf(!nftWorks)("nftables: NodePort on the node IP and the LoadBalancer's EXTERNAL-IP", async () => {
    const nodePort = Number(await svcField("web-np", ".spec.ports[0].nodePort"));
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(await greeting(nodeIP, nodePort)).toStartWith("hello");
    const external = await until("EXTERNAL-IP", async () => {
      const r = await kubectl(["get", "svc", "web-lb", "--no-headers"]);
      return r.stdout.includes(nodeIP) ? r.stdout : undefined;
    });
    expect(external).toMatch(
      new RegExp(`web-lb\\s+LoadBalancer\\s+\\S+\\s+${nodeIP.replaceAll(".", "\\.")}\\s`),
    );
    expect(await greeting(nodeIP, 8765)).toStartWith("hello");
  });

  test.skipIf(!nftWorks)("nftables: ClientIP affinity keeps one endpoint", async () => {
    await affinityHolds(10);
  });

  test.skipIf(!nftWorks)("nftables: UDP", async () => {
    const reply = await until("a UDP echo", () => udpOnce(clusterIP.echo ?? "", 53, "ping"));
    expect(reply).toBe("echo ping");
  });

  test.skipIf(!nftWorks)("nftables: headless gets no rule; no endpoints refuses", async () => {
    const rules = nftTable() ?? "";
    expect(rules).not.toContain("default/headless");
    expect(rules).toContain("default/web/tcp/80");
    expect(await refused(clusterIP.empty ?? "", 80)).toBe(true);
  });

  test.skipIf(!nftWorks)(
    "nftables: a restarted proxy leaves no duplicate; a deleted service leaves no rule",
    async () => {
      const before = nftTable() ?? "";
      await stopProxy();
      expect(nftTable()).toBeUndefined();
      proxy = await startProxy("nftables");
      const after = nftTable() ?? "";
      // The same chains and sets (affinity entries aside, which a restart forgets).
      const declarations = (text: string) => text.split("\n").filter((l) => /^\s*(chain|set) /.test(l));
      expect(declarations(after)).toEqual(declarations(before));
      expect(after.match(/chain svc-default\/web\/tcp\/80 /g)?.length).toBe(1);
      expect((await kubectl(["delete", "svc", "web"])).code).toBe(0);
      await until("web's rules gone", () => (nftTable()?.includes("default/web/") ? undefined : true));
      expect(await refused(clusterIP.web ?? "", 80)).toBe(true);
      expect((await kubectl(["apply", "-f", kubectl.file("svc.yaml", servicesYaml)])).code).toBe(0);
      clusterIP.web = await svcField("web", ".spec.clusterIP");
    },
  );

  test.skipIf(!nftWorks)("nftables: stopping the proxy removes its table", async () => {
    await stopProxy();
    expect(nftTable()).toBeUndefined();
  });

  test("userspace: VIPs on our dummy interface; ClusterIP from host and pod, NodePort, UDP", async () => {
    proxy = await startProxy("userspace");
    expect(proxy.stderr()).toMatch(/using userspace mode \(interface kt-px\d+/);
    const addresses = spawnSync("ip", ["-br", "addr", "show", "dev", dummy], { encoding: "utf8" }).stdout;
    expect(addresses).toContain(`${clusterIP.web}/32`);
    await bothEndpoints();
    expect(await insideHelloA()).toStartWith("hello");
    const nodePort = Number(await svcField("web-np", ".spec.ports[0].nodePort"));
    expect(await greeting(nodeIP, nodePort)).toStartWith("hello");
    await affinityHolds(5);
    expect(await until("a UDP echo", () => udpOnce(clusterIP.echo ?? "", 53, "pong"))).toBe("echo pong");
    expect(await refused(clusterIP.empty ?? "", 80)).toBe(true);
  }, 60_000);

  test("userspace: stopping removes the interface", async () => {
    await stopProxy();
    expect(spawnSync("ip", ["link", "show", "dev", dummy]).status).not.toBe(0);
  });
});
