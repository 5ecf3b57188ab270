// kube scheduler against a real apiserver and fake-runtime kubelets (no stand-in binder):
// binding and Running, FailedScheduling with upstream's message and the PodScheduled
// condition, node selectors, taints, anti-affinity spreading, cordoned nodes, a node added
// for a pending pod, preemption of a lower-priority pod, and leader election.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Event, Node, Pod } from "kubernetes-types/core/v1";
import { type RunningScheduler, startScheduler } from "../../components/scheduler/start-scheduler.ts";
import type { ApiClient } from "../../lib/client/api-client.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

const log = process.env.KT_DEBUG ? (line: string) => console.error(line) : () => {};

function podSpec(name: string, spec: Partial<Pod["spec"]> = {}, labels?: Record<string, string>): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { containers: [{ name: "c", image: "hello" }], ...spec },
  };
}

const getPod = (client: ApiClient, name: string) =>
  client.get<Pod>(`/api/v1/namespaces/default/pods/${name}`);

async function create(cp: ControlPlane, pod: Pod): Promise<void> {
  await cp.client.create("/api/v1/namespaces/default/pods", pod);
}

async function boundNode(cp: ControlPlane, name: string): Promise<string> {
  return cp.until(`${name} bound`, async () => (await getPod(cp.client, name)).spec?.nodeName || undefined);
}

async function eventsFor(client: ApiClient, name: string): Promise<Event[]> {
  const list = await client.list<{ items: Event[] }>("/api/v1/namespaces/default/events", {
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items;
}

async function failedScheduling(cp: ControlPlane, name: string): Promise<string> {
  return cp.until(`FailedScheduling for ${name}`, async () => {
    const event = (await eventsFor(cp.client, name)).find((e) => e.reason === "FailedScheduling");
    return event?.message;
  });
}

async function patchNode(client: ApiClient, name: string, patch: object): Promise<void> {
  await client.patch<Node>(`/api/v1/nodes/${name}`, patch);
}

describe("kube scheduler over three fake nodes", () => {
  let cp: ControlPlane;
  let scheduler: RunningScheduler;

  beforeAll(async () => {
    cp = await startControlPlane({ nodes: ["kt-n1", "kt-n2", "kt-n3"], log });
    scheduler = await startScheduler({ client: cp.client, leaderElect: false, log });
  }, 30_000);

  afterAll(async () => {
    await scheduler?.stop();
    await cp?.stop();
  });

  test("a pod is bound, runs, and gets a Scheduled event", async () => {
    await create(cp, podSpec("hello"));
    const node = await boundNode(cp, "hello");
    expect(["kt-n1", "kt-n2", "kt-n3"]).toContain(node);
    await cp.until("hello Running", async () =>
      (await getPod(cp.client, "hello")).status?.phase === "Running" ? true : undefined,
    );
    const scheduled = await cp.until("Scheduled event", async () =>
      (await eventsFor(cp.client, "hello")).find((e) => e.reason === "Scheduled"),
    );
    expect(scheduled.type).toBe("Normal");
    expect(scheduled.message).toBe(`Successfully assigned default/hello to ${node}`);
    expect(scheduled.source?.component).toBe("default-scheduler");
    expect(scheduled.involvedObject.kind).toBe("Pod");
  });

  test("a pod too big for every node stays Pending with FailedScheduling and PodScheduled=False", async () => {
    const big = podSpec("kt-big", {
      containers: [{ name: "c", image: "hello", resources: { requests: { cpu: "100" } } }],
    });
    await create(cp, big);
    const message = await failedScheduling(cp, "kt-big");
    expect(message).toBe(
      "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..",
    );
    const pod = await cp.until("PodScheduled=False", async () => {
      const p = await getPod(cp.client, "kt-big");
      return p.status?.conditions?.find((c) => c.type === "PodScheduled") ? p : undefined;
    });
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.status?.phase).toBe("Pending");
    const condition = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    expect(condition?.status).toBe("False");
    expect(condition?.reason).toBe("Unschedulable");
    expect(condition?.message).toBe(message);
    await cp.client.delete("/api/v1/namespaces/default/pods/kt-big");
  });

  test("a node selector picks the labelled node; an unmatched one explains itself", async () => {
    await patchNode(cp.client, "kt-n2", { metadata: { labels: { "kt-disk": "ssd" } } });
    try {
      await create(cp, podSpec("kt-ssd", { nodeSelector: { "kt-disk": "ssd" } }));
      expect(await boundNode(cp, "kt-ssd")).toBe("kt-n2");
      await create(cp, podSpec("kt-nvme", { nodeSelector: { "kt-disk": "nvme" } }));
      expect(await failedScheduling(cp, "kt-nvme")).toBe(
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
      );
      // Labelling a node is a cluster event: the waiting pod is retried and bound.
      await patchNode(cp.client, "kt-n3", { metadata: { labels: { "kt-disk": "nvme" } } });
      expect(await boundNode(cp, "kt-nvme")).toBe("kt-n3");
    } finally {
      await patchNode(cp.client, "kt-n2", { metadata: { labels: { "kt-disk": null } } });
      await patchNode(cp.client, "kt-n3", { metadata: { labels: { "kt-disk": null } } });
    }
  });

  test("taints keep pods without a toleration away", async () => {
    const taint = { key: "kt-dedicated", value: "db", effect: "NoSchedule" };
    await patchNode(cp.client, "kt-n1", { spec: { taints: [taint] } });
    await patchNode(cp.client, "kt-n3", { spec: { taints: [taint] } });
    try {
      for (let i = 0; i < 4; i++) {
        await create(cp, podSpec(`kt-plain-${i}`));
        expect(await boundNode(cp, `kt-plain-${i}`)).toBe("kt-n2");
      }
      await patchNode(cp.client, "kt-n2", { spec: { taints: [taint] } });
      await create(cp, podSpec("kt-untolerated"));
      expect(await failedScheduling(cp, "kt-untolerated")).toBe(
        "0/3 nodes are available: 3 node(s) had untolerated taint {kt-dedicated: db}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
      );
      await create(
        cp,
        podSpec("kt-tolerant", { tolerations: [{ key: "kt-dedicated", operator: "Equal", value: "db" }] }),
      );
      expect(["kt-n1", "kt-n2", "kt-n3"]).toContain(await boundNode(cp, "kt-tolerant"));
    } finally {
      for (const n of ["kt-n1", "kt-n2", "kt-n3"]) await patchNode(cp.client, n, { spec: { taints: null } });
    }
    // Untainting is a node update: the waiting pod goes somewhere.
    expect(["kt-n1", "kt-n2", "kt-n3"]).toContain(await boundNode(cp, "kt-untolerated"));
  });

  test("required anti-affinity spreads three replicas over three nodes; a fourth waits", async () => {
    const spread = (name: string) =>
      podSpec(
        name,
        {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchLabels: { app: "kt-spread" } },
                  topologyKey: "kubernetes.io/hostname",
                },
              ],
            },
          },
        },
        { app: "kt-spread" },
      );
    for (let i = 0; i < 3; i++) await create(cp, spread(`kt-spread-${i}`));
    const nodes = await Promise.all([0, 1, 2].map((i) => boundNode(cp, `kt-spread-${i}`)));
    expect(new Set(nodes).size).toBe(3);
    await create(cp, spread("kt-spread-3"));
    expect(await failedScheduling(cp, "kt-spread-3")).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..",
    );
    // Deleting one replica frees its node for the waiting one.
    const freed = nodes[0] as string;
    await cp.client.delete("/api/v1/namespaces/default/pods/kt-spread-0");
    expect(await boundNode(cp, "kt-spread-3")).toBe(freed);
  });

  test("a cordoned node is skipped", async () => {
    await patchNode(cp.client, "kt-n1", { spec: { unschedulable: true } });
    try {
      for (let i = 0; i < 6; i++) await create(cp, podSpec(`kt-cordon-${i}`));
      for (let i = 0; i < 6; i++) expect(await boundNode(cp, `kt-cordon-${i}`)).not.toBe("kt-n1");
    } finally {
      await patchNode(cp.client, "kt-n1", { spec: { unschedulable: null } });
    }
  });

  test("a higher-priority pod preempts a lower-priority one and is nominated", async () => {
    const cpuPod = (name: string, priority: number, nodeName?: string) =>
      podSpec(name, {
        priority,
        ...(nodeName ? { nodeSelector: { "kubernetes.io/hostname": nodeName } } : {}),
        containers: [{ name: "c", image: "hello", resources: { requests: { cpu: "1500m" } } }],
      });
    await create(cp, cpuPod("kt-low", 0, "kt-n3"));
    expect(await boundNode(cp, "kt-low")).toBe("kt-n3");
    await create(cp, cpuPod("kt-high", 1000, "kt-n3"));
    const nominated = await cp.until("kt-high nominated or bound", async () => {
      const p = await getPod(cp.client, "kt-high");
      return p.status?.nominatedNodeName || p.spec?.nodeName || undefined;
    });
    expect(nominated).toBe("kt-n3");
    expect(await boundNode(cp, "kt-high")).toBe("kt-n3");
    const preempted = await cp.until("Preempted event", async () =>
      (await eventsFor(cp.client, "kt-low")).find((e) => e.reason === "Preempted"),
    );
    expect(preempted.message).toMatch(/^Preempted by pod [0-9a-f-]+ on node kt-n3$/);
  });
});

describe("kube scheduler without nodes", () => {
  let cp: ControlPlane;
  let scheduler: RunningScheduler;

  beforeAll(async () => {
    cp = await startControlPlane({ nodes: [], log });
    scheduler = await startScheduler({
      client: cp.client,
      leaderElect: true,
      leaderElection: { retryPeriodMs: 200 },
      log,
    });
  }, 30_000);

  afterAll(async () => {
    await scheduler?.stop();
    await cp?.stop();
  });

  test("takes the kube-scheduler lease; a pod waits for a node and is bound when one is added", async () => {
    const lease = await cp.until("the kube-scheduler lease", async () => {
      const l = await cp.client.get<{ spec?: { holderIdentity?: string } }>(
        "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler",
      );
      return scheduler.current() ? l : undefined;
    });
    expect(lease.spec?.holderIdentity).toBeTruthy();
    await create(cp, podSpec("kt-waiting"));
    expect(await failedScheduling(cp, "kt-waiting")).toBe("no nodes available to schedule pods");
    await cp.addNode("kt-late");
    expect(await boundNode(cp, "kt-waiting")).toBe("kt-late");
  });
});
