// `make bench`, scheduler: pods scheduled per second with 100, 1000 and 5000 nodes. Each size
// gets a fresh `kube apiserver` (a separate process, embedded SQLite); Nodes are created
// through the API with allocatable (no kubelets), then the scheduler (in this process) and a
// few thousand pods; measured from the first pod create to the last binding accepted.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { defaultProfile } from "../components/scheduler/default-profile.ts";
import { Nominator } from "../components/scheduler/nominator.ts";
import { newPodInfo } from "../components/scheduler/pod-info.ts";
import { SchedulerCache } from "../components/scheduler/scheduler-cache.ts";
import { SchedulingAlgorithm } from "../components/scheduler/scheduling-algorithm.ts";
import { startScheduler } from "../components/scheduler/start-scheduler.ts";
import { ApiClient } from "../lib/client/api-client.ts";
import { apiserverArgv } from "../test/harness/apiserver-argv.ts";
import { ensureKubeBuilt } from "../test/harness/kube-binary.ts";
import { spawnKube } from "../test/harness/kube-process.ts";

const SIZES = (process.env.BENCH_NODES ?? "100,1000,5000").split(",").map(Number);
const PODS = Number(process.env.BENCH_PODS ?? 3000);
// Pods already bound across the nodes before the cycle bench (as a Deployment's ReplicaSet makes
// them): the scale run's binding rate fell as bound pods grew, which empty nodes never show.
const BOUND = (process.env.BENCH_BOUND_PODS ?? "0,30000").split(",").map(Number);
// The same for the API runs (each a fresh apiserver): 0 by default, to keep `make bench` short.
const API_BOUND = (process.env.BENCH_API_BOUND_PODS ?? "0").split(",").map(Number);
/** Whether `bound` pods plus the bench's own fit on `nodes` nodes of 110 pods each, with room to spare. */
const fits = (nodes: number, bound: number): boolean => bound + PODS <= nodes * 100;
const CREATORS = 32;

async function inParallel(
  count: number,
  workers: number,
  op: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < count; i = next++) await op(i);
    }),
  );
}

function node(i: number) {
  const name = `kt-bench-node-${i}`;
  const resources = { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "100Gi" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "topology.kubernetes.io/zone": `zone-${i % 3}`,
      },
    },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "bench node" }],
    },
  };
}

function pod(i: number, schedulerName = "default-scheduler") {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `kt-bench-pod-${i}`, labels: { app: `bench-${i % 10}` } },
    spec: {
      schedulerName,
      containers: [{ name: "c", image: "pause", resources: { requests: { cpu: "100m", memory: "128Mi" } } }],
    },
  };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const ownCpuSeconds = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function benchSize(nodes: number, bound: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kt-bench-scheduler-"));
  const argv = apiserverArgv(join(dir, "db"));
  // BENCH_KUBE: another build of kube to compare against (e.g. a copy of the previous one).
  if (process.env.BENCH_KUBE) argv[0] = process.env.BENCH_KUBE;
  const api = spawnKube(argv);
  let scheduler: Awaited<ReturnType<typeof startScheduler>> | undefined;
  try {
    const url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    const client = new ApiClient({ server: url });
    const nodesStart = performance.now();
    await inParallel(nodes, CREATORS, (i) => client.create("/api/v1/nodes", node(i)));
    const nodesMs = performance.now() - nodesStart;
    // Pods already bound (created with spec.nodeName, as a ReplicaSet's pods once scheduled).
    if (bound) {
      await client.create("/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "kt-bound" },
      });
      await inParallel(bound, CREATORS, (i) => {
        const p = boundPod(i, `kt-bench-node-${i % nodes}`);
        const { uid: _uid, ...metadata } = p.metadata ?? {};
        return client.create("/api/v1/namespaces/kt-bound/pods", {
          ...p,
          metadata: { ...metadata, namespace: "kt-bound" },
        });
      });
    }
    // Baseline: the same creates with no scheduler interested (the apiserver's own ceiling).
    await client.create("/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "kt-baseline" },
    });
    const baseApiCpu = cpuSeconds(api.pid);
    const baseOwnCpu = ownCpuSeconds();
    const baseStart = performance.now();
    await inParallel(PODS, CREATORS, (i) =>
      client.create("/api/v1/namespaces/kt-baseline/pods", pod(i, "kt-nobody")),
    );
    const baselineMs = performance.now() - baseStart;
    const createApiMs = ((cpuSeconds(api.pid) - baseApiCpu) * 1000) / PODS;
    const creatorMs = ((ownCpuSeconds() - baseOwnCpu) * 1000) / PODS;
    // The recorder's queue (1000, one write at a time, as upstream's broadcaster) drops events
    // a burst outruns; its log line carries the running count.
    let eventsDropped = 0;
    const log = (line: string): void => {
      const dropped = line.match(/^event Scheduled dropped: .*\((\d+) dropped\)/);
      if (dropped) eventsDropped = Math.max(eventsDropped, Number(dropped[1]));
    };
    scheduler = await startScheduler({ client, leaderElect: false, log });
    const s = scheduler.current();
    if (!s) throw new Error("the scheduler did not start");
    const apiCpu = cpuSeconds(api.pid);
    const ownCpu = ownCpuSeconds();
    const start = performance.now();
    await inParallel(PODS, CREATORS, (i) => client.create("/api/v1/namespaces/default/pods", pod(i)));
    const createdMs = performance.now() - start;
    const deadline = Date.now() + 300_000;
    while (s.bound < PODS) {
      if (Date.now() > deadline) throw new Error(`only ${s.bound}/${PODS} pods bound after 300 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const totalMs = performance.now() - start;
    console.log(
      `  ${String(nodes).padStart(5)} nodes, ${bound} pods bound before: ${PODS} pods bound in ${totalMs.toFixed(0)} ms = ${((PODS * 1000) / totalMs).toFixed(0)} pods/s (creates done after ${createdMs.toFixed(0)} ms; the same creates alone: ${((PODS * 1000) / baselineMs).toFixed(0)}/s; ${nodes} nodes created in ${nodesMs.toFixed(0)} ms)`,
    );
    const apiMs = ((cpuSeconds(api.pid) - apiCpu) * 1000) / PODS;
    const ownMs = ((ownCpuSeconds() - ownCpu) * 1000) / PODS;
    console.log(
      `         cpu per pod: apiserver ${apiMs.toFixed(2)} ms (create alone ${createApiMs.toFixed(2)}), scheduler ~${(ownMs - creatorMs).toFixed(2)} ms (bench process ${ownMs.toFixed(2)} less the creators' ${creatorMs.toFixed(2)}); Scheduled events dropped by the recorder: ${eventsDropped ? `at least ${eventsDropped}` : "none"}`,
    );
  } finally {
    await scheduler?.stop();
    api.kill("SIGTERM");
    await api.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A pod of one of 10 Deployments' ReplicaSets (labels, ownerReference, requests), bound to `nodeName`. */
function boundPod(i: number, nodeName: string): Pod {
  const app = `bench-rs-${i % 10}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `kt-bound-${i}`,
      namespace: "default",
      uid: `kt-bound-${i}`,
      labels: { app, "pod-template-hash": "5d4f8c7b9" },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: `${app}-5d4f8c7b9`,
          uid: `kt-rs-${i % 10}`,
          controller: true,
        },
      ],
    },
    spec: {
      nodeName,
      schedulerName: "default-scheduler",
      containers: [{ name: "c", image: "pause", resources: { requests: { cpu: "10m", memory: "16Mi" } } }],
    },
    status: { phase: "Running" },
  };
}

/**
 * The scheduling cycle alone, no API: the same nodes and pods, each pod filtered, scored and
 * assumed on its node, as the scheduler does between a pop and its binding. CPU per pod, with
 * `bound` pods already bound round-robin across the nodes.
 */
export function cycleCpuMs(nodes: number, bound: number): number {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++) cache.addNode(node(i) as Node);
  for (let i = 0; i < bound; i++) cache.addPod(boundPod(i, `kt-bench-node-${i % nodes}`));
  const algorithm = new SchedulingAlgorithm(defaultProfile(), cache, new Nominator());
  const start = ownCpuSeconds();
  for (let i = 0; i < PODS; i++) {
    const p = pod(i) as Pod;
    p.metadata = { ...p.metadata, namespace: "default", uid: `kt-${i}` };
    const info = newPodInfo(p);
    const result = algorithm.schedule(info);
    if (!("node" in result)) throw new Error(`pod ${i} did not fit in the cycle bench`);
    cache.assume(info, result.node);
  }
  return ((ownCpuSeconds() - start) * 1000) / PODS;
}

export async function benchScheduler(): Promise<void> {
  if (!process.env.BENCH_KUBE) await ensureKubeBuilt();
  console.log(
    `scheduler: pods scheduled per second (${PODS} pods, 100m/128Mi each, created by ${CREATORS} clients; first create → last binding; target 2000 pods/s at 5000 nodes, upstream CI floor 270)`,
  );
  for (const nodes of SIZES) {
    for (const bound of BOUND.filter((b) => fits(nodes, b))) {
      const ms = cycleCpuMs(nodes, bound);
      console.log(
        `  ${String(nodes).padStart(5)} nodes, ${bound} pods bound: the scheduling cycle alone (filter, score, assume; no API) ${ms.toFixed(3)} ms CPU per pod`,
      );
    }
    for (const bound of API_BOUND.filter((b) => fits(nodes, b))) await benchSize(nodes, bound);
  }
}
