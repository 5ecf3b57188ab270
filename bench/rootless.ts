// `make bench`, rootless (BENCH=rootless): `kube server` as root beside rootless kube (an ordinary
// `kt-` user: user+net+mount namespaces, slirp4netns), one node each, interleaved: time from spawn
// to a Ready node, pod start p50/p99 of 10 pods, ClusterIP throughput (a client in the cluster's
// network namespace reading from a pod), and pod -> host throughput (through slirp4netns when
// rootless). Both use the process runtime (rootless would default to crun), whose pods run
// bench/rootless-net.ts with bun from the host's files.

import { join } from "node:path";
import { apiClientFor } from "../cmd/api-client-flags.ts";
import type { ApiClient } from "../lib/client/api-client.ts";
import { ApiClient as Client } from "../lib/client/api-client.ts";
import { loadKubeconfig } from "../lib/client/kubeconfig.ts";
import { createTestUser, startRootlessServer } from "../test/e2e/rootless/rootless-server.ts";
import { ensureKubeBuilt } from "../test/harness/kube-binary.ts";
import { startKubeServer } from "../test/harness/kube-server.ts";

const PODS = 10;
/** The throughput roles; pods of the process runtime see the host's files, so they run it with bun. */
const NET = join(import.meta.dir, "rootless-net.ts");
const BYTES = 256 * 1024 * 1024;

interface Row {
  mode: string;
  readyMs: number;
  startedMs: number;
  p50: number;
  p99: number;
  clusterIpMBs: number;
  podToHostMBs: number;
}

interface Cluster {
  client: ApiClient;
  /** Runs argv where the cluster's addresses are reachable (the host as root, kube's netns rootless). */
  inCluster: (argv: string[]) => { stdout: string; code: number };
  /** Where pods reach the host's listener, and the address to listen on. */
  hostFromPods: string;
  listenOn: string;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

type PodList = { items: { metadata: { name: string }; status?: { phase?: string; podIP?: string } }[] };

const pod = (name: string, image: string, command?: string[]) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: name } },
  spec: { containers: [{ name: "c", image, ...(command ? { command } : {}) }] },
});

async function untilRunning(
  client: ApiClient,
  names: string[],
  timeoutMs = 60_000,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < names.length) {
    if (Date.now() > deadline)
      throw new Error(`pods not Running in ${timeoutMs} ms: ${names.filter((n) => !seen.has(n))}`);
    const list = await client.get<PodList>("/api/v1/namespaces/default/pods");
    const now = performance.now();
    for (const item of list.items)
      if (
        item.status?.phase === "Running" &&
        names.includes(item.metadata.name) &&
        !seen.has(item.metadata.name)
      )
        seen.set(item.metadata.name, now);
    await Bun.sleep(20);
  }
  return seen;
}

async function measure(mode: string, cluster: Cluster, readyMs: number, startedMs: number): Promise<Row> {
  const { client } = cluster;
  // Pod start: 10 hello pods created at once, creation -> seen Running (20 ms polls).
  const names = Array.from({ length: PODS }, (_, i) => `start-${i}`);
  const t0 = performance.now();
  await Promise.all(names.map((n) => client.create("/api/v1/namespaces/default/pods", pod(n, "hello"))));
  const running = await untilRunning(client, names);
  const starts = [...running.values()].map((t) => t - t0).sort((a, b) => a - b);

  // ClusterIP: a pod sends zeros; a client where the cluster's IPs are reachable reads BYTES of them.
  await client.create(
    "/api/v1/namespaces/default/pods",
    pod("bulk", "busybox", [process.execPath, NET, "serve", "8080"]),
  );
  await client.create("/api/v1/namespaces/default/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "bulk" },
    spec: { selector: { app: "bulk" }, ports: [{ port: 80, targetPort: 8080 }] },
  });
  await untilRunning(client, ["bulk"]);
  const vip = (await client.get<{ spec: { clusterIP: string } }>("/api/v1/namespaces/default/services/bulk"))
    .spec.clusterIP;
  let clusterIpMBs = 0;
  for (let attempt = 0; attempt < 50 && clusterIpMBs === 0; attempt++) {
    const r = cluster.inCluster([process.execPath, NET, "read", vip, "80", String(BYTES)]);
    clusterIpMBs = r.code === 0 ? Number(r.stdout.trim()) : 0;
    if (!clusterIpMBs) await Bun.sleep(100);
  }

  // Pod -> host: a listener on the host counts BYTES from a pod.
  let received = 0;
  let first = 0;
  let last = 0;
  const done = Promise.withResolvers<void>();
  const sink = Bun.listen({
    hostname: cluster.listenOn,
    port: 0,
    socket: {
      data(_s, data) {
        if (!first) first = performance.now();
        received += data.length;
        if (received >= BYTES && !last) {
          last = performance.now();
          done.resolve();
        }
      },
    },
  });
  const sender = [process.execPath, NET, "send", cluster.hostFromPods, String(sink.port), String(BYTES)];
  await client.create("/api/v1/namespaces/default/pods", pod("tohost", "busybox", sender));
  await Promise.race([done.promise, Bun.sleep(60_000)]);
  sink.stop(true);
  const podToHostMBs = last ? BYTES / 1048576 / ((last - first) / 1000) : 0;
  return {
    mode,
    readyMs,
    startedMs,
    p50: percentile(starts, 50),
    p99: percentile(starts, 99),
    clusterIpMBs,
    podToHostMBs,
  };
}

async function rootRun(): Promise<Row> {
  const t0 = performance.now();
  const server = await startKubeServer({ nodes: 1 });
  const readyMs = performance.now() - t0;
  const startedMs = Number(/started in (\d+) ms/.exec(server.stderr())?.[1] ?? 0);
  const node = /node IP (\d+\.\d+\.\d+\.\d+)/.exec(server.stderr())?.[1] ?? "127.0.0.1";
  try {
    return await measure(
      "root",
      {
        client: new Client({ server: server.url }),
        inCluster: (argv) => {
          const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
          return { stdout: r.stdout.toString(), code: r.exitCode };
        },
        hostFromPods: node,
        listenOn: node,
      },
      readyMs,
      startedMs,
    );
  } finally {
    await server.stop();
  }
}

async function rootlessRun(): Promise<Row> {
  const user = createTestUser();
  try {
    const t0 = performance.now();
    const server = await startRootlessServer(user, ["--nodes", "1", "--runtime", "process"]);
    const config = loadKubeconfig(join(user.home, ".kube-server", "kubeconfig.yaml"));
    const client = apiClientFor(config, "bench-rootless");
    for (;;) {
      const nodes = await client.get<{
        items: { status?: { conditions?: { type: string; status: string }[] } }[];
      }>("/api/v1/nodes");
      if (
        nodes.items.some((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
      )
        break;
      await Bun.sleep(20);
    }
    const readyMs = performance.now() - t0;
    const startedMs = Number(/started in (\d+) ms/.exec(server.proc.stderr())?.[1] ?? 0);
    try {
      return await measure(
        "rootless",
        {
          client,
          inCluster: (argv) => server.inNetns(argv),
          hostFromPods: "10.0.2.2",
          listenOn: "127.0.0.1",
        },
        readyMs,
        startedMs,
      );
    } finally {
      await server.stop();
    }
  } finally {
    user.remove();
  }
}

export async function benchRootless(): Promise<void> {
  if (process.getuid?.() !== 0 || !Bun.which("slirp4netns") || !Bun.which("newuidmap")) {
    console.log("rootless: skipped (needs root to create the test user, slirp4netns and uidmap)");
    return;
  }
  await ensureKubeBuilt();
  const rounds = Number(process.env.ROOTLESS_ROUNDS ?? 2);
  const rows: Row[] = [];
  for (let i = 0; i < rounds; i++) {
    rows.push(await rootRun());
    rows.push(await rootlessRun());
  }
  const load = (await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ");
  console.log(`\nrootless vs root: kube server, 1 node, ${rounds} interleaved rounds (load average ${load})`);
  console.log(
    "mode       ready ms (spawn->node Ready)  started ms  pod start p50/p99 ms (10 pods)  ClusterIP MB/s  pod->host MB/s",
  );
  for (const r of rows)
    console.log(
      `${r.mode.padEnd(10)} ${r.readyMs.toFixed(0).padStart(28)}  ${String(r.startedMs).padStart(10)}  ${`${r.p50.toFixed(0)}/${r.p99.toFixed(0)}`.padStart(30)}  ${r.clusterIpMBs.toFixed(0).padStart(14)}  ${r.podToHostMBs.toFixed(0).padStart(14)}`,
    );
  const median = (mode: string, pick: (r: Row) => number): number => {
    const values = rows
      .filter((r) => r.mode === mode)
      .map(pick)
      .sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? 0;
  };
  const ratio = (pick: (r: Row) => number): string =>
    (median("rootless", pick) / Math.max(1e-9, median("root", pick))).toFixed(2);
  console.log(
    `rootless/root: ready ${ratio((r) => r.readyMs)}x, pod start p50 ${ratio((r) => r.p50)}x p99 ${ratio((r) => r.p99)}x (target <= 1.5x), ClusterIP ${ratio((r) => r.clusterIpMBs)}x, pod->host ${ratio((r) => r.podToHostMBs)}x`,
  );
}

if (import.meta.main) await benchRootless();
