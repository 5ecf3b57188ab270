// `kube server` for end-to-end tests: the compiled binary on free ports over a `kt-` data dir,
// with service and cluster CIDRs of its own per run and a resolv.conf naming only 127.0.0.1;
// stop() sends SIGTERM, waits, fails on (and removes) any process, netns, bridge or nft table left.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bridgeName } from "../../components/kubelet/network/bridge.ts";
import { ensureKubeBuilt, kubeBinary } from "./kube-binary.ts";
import { type KubeProcess, spawnKube } from "./kube-process.ts";
import { type Kubectl, kubectlFor } from "./kubectl.ts";
import { leftovers } from "./kubelet.ts";
import { leaseOctet } from "./octet-lease.ts";
import { until } from "./until.ts";

export interface KubeServer {
  /** The Kubernetes API, e.g. http://127.0.0.1:41234 (changes on restart). */
  readonly url: string;
  /** The admin kubeconfig kube server wrote (<dataDir>/kubeconfig.yaml). */
  readonly kubeconfig: string;
  readonly dataDir: string;
  /** Where the server's kubelet reads static pod manifests (<dataDir>/pod-manifests). */
  readonly podManifests: string;
  readonly serviceCIDR: string;
  readonly clusterCIDR: string;
  /** Names of the Ready nodes, sorted. */
  readonly nodeNames: string[];
  /** The real kubectl against this server (follows restarts). */
  readonly kubectl: Kubectl;
  /** Everything the server wrote to stderr (this start). */
  stderr(): string;
  /**
   * SIGINT (Ctrl-C), wait for exit, start again on the same data dir (the resume case); `args`, when
   * given, replace the extra flags of the first start (e.g. drop a `--disable`). `crash` sends
   * SIGKILL instead: pods, bridges and rules stay behind for the next start to adopt.
   */
  restart(options?: { args?: string[]; crash?: boolean }): Promise<void>;
  /** SIGTERM, wait for exit, check nothing is left behind, remove the data dir. */
  stop(): Promise<void>;
}

export interface KubeServerOptions {
  /** Nodes (kubelets) to run; 1 by default. */
  nodes?: number;
  /** More flags for `kube server`. */
  args?: string[];
  /** How long to wait for "ready" and the nodes; 45 s by default. */
  timeoutMs?: number;
}

let helpText: string | undefined;

/** The flags this build's `kube server --help` lists (it grows as components land). */
function serverFlags(): string {
  helpText ??= spawnSync(kubeBinary, ["server", "--help"], { encoding: "utf8" }).stdout ?? "";
  return helpText;
}

const supports = (flag: string): boolean => serverFlags().includes(`--${flag} `);

export async function startKubeServer(options: KubeServerOptions = {}): Promise<KubeServer> {
  await ensureKubeBuilt();
  const nodes = options.nodes ?? 1;
  const timeoutMs = options.timeoutMs ?? 45_000;
  const tag = `kt${process.pid % 10000}${Math.floor(Math.random() * 1000)}`;
  const dataDir = mkdtempSync(join(tmpdir(), "kt-server-"));
  // Leased, not just free now: a cluster starting beside this one (another test file) gets others.
  const serviceLease = leaseOctet(100, 199);
  const clusterLease = leaseOctet(200, 250);
  const serviceCIDR = `10.${serviceLease.octet}.0.0/16`;
  const clusterCIDR = `10.${clusterLease.octet}.0.0/16`;
  const resolvConf = join(dataDir, "kt-resolv.conf");
  // The host's resolver is outside this machine: pods and the DNS forwarder may only ask loopback.
  writeFileSync(resolvConf, "nameserver 127.0.0.1\n");
  const podManifests = join(dataDir, "pod-manifests");
  mkdirSync(podManifests, { recursive: true });

  const argv = [kubeBinary, "server", "--data-dir", dataDir, "--insecure-port", "0"];
  argv.push("--listen-client-urls", "http://127.0.0.1:0", "--service-cluster-ip-range", serviceCIDR);
  const optional: [string, string][] = [
    ["nodes", String(nodes)],
    ["secure-port", "0"],
    // node names carry the tag, so every netns and bridge of this cluster is recognisable.
    ["node-name", nodeBase(tag, nodes)],
    ["dns-port", "0"],
    ["cluster-cidr", clusterCIDR],
    ["resolv-conf", resolvConf],
  ];
  // KT_PROXY_MODE=userspace runs the same tests over the proxy's fallback data path.
  if (process.env.KT_PROXY_MODE) optional.push(["proxy-mode", process.env.KT_PROXY_MODE]);
  // KT_RUNTIME=oci runs the same tests with the kubelets' OCI runtime (crun).
  if (process.env.KT_RUNTIME) optional.push(["runtime", process.env.KT_RUNTIME]);
  for (const [flag, value] of optional) if (supports(flag)) argv.push(`--${flag}`, value);
  const fixedArgs = argv.length;
  argv.push(...(options.args ?? []));
  let proc: KubeProcess | undefined;
  let url = "";
  let kubeconfig = "";
  let kubectl: Kubectl | undefined;
  let nodeNames: string[] = [];

  const start = async (): Promise<void> => {
    proc = spawnKube(argv);
    await proc.waitFor(/kube server: ready/, timeoutMs);
    url = (proc.stderr().match(/apiserver: the Kubernetes API on (http:\/\/\S+)/) ?? [])[1] ?? "";
    kubeconfig = (proc.stderr().match(/export KUBECONFIG=(\S+)/) ?? [])[1] ?? "";
    if (!url) throw new Error(`kube server printed no API URL:\n${proc.stderr()}`);
    kubectl?.cleanup();
    kubectl = kubectlFor(url);
    nodeNames = await until(
      `${nodes} Ready node(s)`,
      async () => {
        const list = (await (await fetch(`${url}/api/v1/nodes`)).json()) as {
          items: {
            metadata: { name: string };
            status?: { conditions?: { type: string; status: string }[] };
          }[];
        };
        const ready = list.items.filter((n) =>
          n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        );
        return ready.length >= nodes ? ready.map((n) => n.metadata.name).sort() : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  };

  const halt = async (signal: "SIGTERM" | "SIGINT" | "SIGKILL"): Promise<void> => {
    if (!proc) return;
    const running = proc;
    running.kill(signal);
    if (signal === "SIGKILL") {
      await running.exited;
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), 30_000);
    });
    const code = await Promise.race([running.exited, late]);
    clearTimeout(timer);
    if (code === "late") {
      running.kill("SIGKILL");
      await running.exited;
      throw new Error(`kube server did not stop within 30 s of ${signal}:\n${running.stderr()}`);
    }
    if (code !== 0) throw new Error(`kube server exited with ${code}:\n${running.stderr()}`);
  };

  const server: KubeServer = {
    get url() {
      return url;
    },
    get kubeconfig() {
      return kubeconfig;
    },
    dataDir,
    podManifests,
    serviceCIDR,
    clusterCIDR,
    get nodeNames() {
      return nodeNames;
    },
    kubectl: followingKubectl(() => kubectl),
    stderr: () => proc?.stderr() ?? "",
    async restart(restartOptions = {}) {
      await halt(restartOptions.crash ? "SIGKILL" : "SIGINT");
      if (restartOptions.args) argv.splice(fixedArgs, argv.length - fixedArgs, ...restartOptions.args);
      await start();
    },
    async stop() {
      let failure: Error | undefined;
      try {
        await halt("SIGTERM");
      } catch (error) {
        failure = error as Error;
      }
      kubectl?.cleanup();
      // Whatever the server failed to remove, the harness removes (by PID and by name), then fails.
      const names = new Set([...nodeNames, ...expectedNodeNames(tag, nodes)]);
      const left = removeLeftovers(dataDir, tag, [...names]);
      rmSync(dataDir, { recursive: true, force: true });
      serviceLease.release();
      clusterLease.release();
      if (left.length) throw new Error(`kube server left behind (now removed): ${left.join(", ")}`);
      if (failure) throw failure;
    },
  };
  try {
    await start();
  } catch (error) {
    await server.stop().catch(() => {});
    throw error;
  }
  return server;
}

/** The --node-name given: the tag itself for one node, else a base that numbers as `<tag>n1`... */
function nodeBase(tag: string, nodes: number): string {
  return nodes === 1 ? tag : `${tag}n`;
}

/** The names kube server gives `nodes` nodes from nodeBase (known even if it never got Ready). */
function expectedNodeNames(tag: string, nodes: number): string[] {
  if (nodes === 1) return [tag];
  return Array.from({ length: nodes }, (_, i) => `${nodeBase(tag, nodes)}${i + 1}`);
}

/** A Kubectl that always runs the current one (a restart gives the server a new port). */
function followingKubectl(current: () => Kubectl | undefined): Kubectl {
  const now = (): Kubectl => {
    const k = current();
    if (!k) throw new Error("kube server is not started");
    return k;
  };
  const run = ((args, options) => now()(args, options)) as Kubectl;
  Object.defineProperties(run, {
    kubeconfig: { get: () => now().kubeconfig },
    dir: { get: () => now().dir },
  });
  run.file = (name, content) => now().file(name, content);
  run.cleanup = () => current()?.cleanup();
  return run;
}

/** Finds and removes what a stopped server left: processes, netns, bridges, proxy rules. */
function removeLeftovers(dataDir: string, tag: string, nodeNames: string[]): string[] {
  const processes = processesMentioning(dataDir);
  for (const { pid } of processes) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const mounts = mountsUnder(dataDir);
  for (const point of mounts) spawnSync("umount", ["-l", point]);
  const netns = leftovers(tag);
  for (const name of netns) spawnSync("ip", ["netns", "del", name]);
  const bridges = nodeNames.map(bridgeName).filter(linkExists);
  for (const name of bridges) spawnSync("ip", ["link", "del", "dev", name]);
  const proxy = proxyName(dataDir);
  const tables = proxyTables(proxy);
  for (const table of tables) spawnSync("nft", ["delete", "table", ...table.split(" ")]);
  const links = linkExists(proxy) ? [proxy] : [];
  for (const name of links) spawnSync("ip", ["link", "del", "dev", name]);
  return [
    ...processes.map((p) => `process ${p.pid} (${p.args})`),
    ...mounts.map((m) => `mount ${m}`),
    ...netns.map((n) => `netns ${n}`),
    ...bridges.map((b) => `bridge ${b}`),
    ...tables.map((t) => `nft table ${t}`),
    ...links.map((l) => `link ${l}`),
  ];
}

/** Processes (pod supervisors, a stray server) whose command line names `dir`. */
function processesMentioning(dir: string): { pid: number; args: string }[] {
  const found: { pid: number; args: string }[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      // An OCI container's command line names nothing of ours; its root is a rootfs in `dir`.
      if (args.includes(dir) || rootOf(pid).startsWith(`${dir}/`))
        found.push({ pid: Number(pid), args: args.slice(0, 120) });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

function rootOf(pid: string): string {
  try {
    return readlinkSync(`/proc/${pid}/root`);
  } catch {
    return "";
  }
}

/** Mount points under `dir` (image overlays, shm, pinned namespaces, volumes), deepest first. */
function mountsUnder(dir: string): string[] {
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

function linkExists(name: string): boolean {
  return spawnSync("ip", ["link", "show", "dev", name], { stdio: "ignore" }).status === 0;
}

/** The name kube server gives its proxy's nftables table and dummy interface (per data dir). */
function proxyName(dataDir: string): string {
  return `kube-${createHash("sha256").update(dataDir).digest("hex").slice(0, 6)}`;
}

/** nftables tables named `name`, as "family name" (empty when the proxy cleaned up). */
function proxyTables(name: string): string[] {
  const tables = spawnSync("nft", ["list", "tables"], { encoding: "utf8" }).stdout ?? "";
  return tables
    .split("\n")
    .map((line) => line.trim().replace(/^table /, ""))
    .filter((table) => table.endsWith(` ${name}`));
}
