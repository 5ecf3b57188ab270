// Node controllers over a real apiserver and fake-runtime kubelets: node IPAM hands out distinct
// CIDRs and takes a deleted node's back; a stopped kubelet's node goes Unknown, gets the
// unreachable taints, its pods are evicted after their tolerationSeconds; the taints go when it returns.

import { afterEach, expect, test } from "bun:test";
import type { Event, Node, Pod } from "kubernetes-types/core/v1";
import { nodeIpamControllerWith } from "../../components/controller-manager/nodeipam/node-ipam-controller.ts";
import { nodeLifecycleControllerWith } from "../../components/controller-manager/nodelifecycle/node-lifecycle-controller.ts";
import { taintEvictionController } from "../../components/controller-manager/nodelifecycle/taint-eviction-controller.ts";
import { isStatus } from "../../lib/client/api-client.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane | undefined;
afterEach(async () => {
  await cp?.stop();
  cp = undefined;
});

const nodePath = (name: string) => `/api/v1/nodes/${name}`;

test("node IPAM: distinct CIDRs, existing ones kept, CIDRNotAvailable when full, released on delete", async () => {
  // A /22 holds four /24s; the fake kubelet kt-n1 registered with 10.244.1.0/24 itself.
  cp = await startControlPlane({
    nodes: ["kt-n1"],
    controllers: [nodeIpamControllerWith({ allocateNodeCIDRs: true, clusterCIDR: "10.244.0.0/22" })],
  });
  const plane = cp;
  const create = (name: string) =>
    plane.client.create("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name } });
  const cidrOf = (name: string) =>
    plane.until(`${name} podCIDR`, async () => (await plane.client.get<Node>(nodePath(name))).spec?.podCIDR);
  for (const name of ["kt-a", "kt-b", "kt-c"]) await create(name);
  const cidrs = await Promise.all(["kt-n1", "kt-a", "kt-b", "kt-c"].map(cidrOf));
  expect(cidrs[0]).toBe("10.244.1.0/24");
  expect([...cidrs].sort()).toEqual(["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24"]);
  const b = await plane.client.get<Node>(nodePath("kt-b"));
  expect(b.spec?.podCIDRs).toEqual([b.spec?.podCIDR as string]);

  await create("kt-d");
  await plane.until("CIDRNotAvailable event", async () => {
    const events = await plane.client.list<{ items: Event[] }>("/api/v1/namespaces/default/events");
    return events.items.find((e) => e.reason === "CIDRNotAvailable" && e.involvedObject.name === "kt-d");
  });
  const freed = (await plane.client.get<Node>(nodePath("kt-a"))).spec?.podCIDR;
  await plane.client.delete(nodePath("kt-a"));
  // The retry (rate-limited back-off) picks up the released CIDR.
  expect(
    await plane.until(
      "kt-d podCIDR",
      async () => (await plane.client.get<Node>(nodePath("kt-d"))).spec?.podCIDR,
    ),
  ).toBe(freed as string);
}, 30_000);

test("node lifecycle: a silent node goes Unknown and tainted, pods evicted by toleration, taints go on return", async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2"],
    binder: true,
    // The fake kubelets renew their leases and post status every second: a 4 s grace period
    // outlasts that, so only a node whose kubelet stopped goes Unknown.
    heartbeat: { nodeLeaseDurationSeconds: 4, nodeStatusUpdateFrequencyMs: 1000 },
    controllers: [
      nodeLifecycleControllerWith({ gracePeriodMs: 4_000, monitorPeriodMs: 250 }),
      taintEvictionController,
    ],
  });
  const plane = cp;
  const pod = (name: string, tolerationSeconds?: number): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      nodeName: "kt-n1",
      containers: [{ name: "c", image: "hello" }],
      tolerations:
        tolerationSeconds === undefined
          ? undefined
          : [
              {
                key: "node.kubernetes.io/unreachable",
                operator: "Exists",
                effect: "NoExecute",
                tolerationSeconds,
              },
            ],
    },
  });
  await plane.client.create("/api/v1/namespaces/default/pods", pod("kt-fast", 1));
  await plane.client.create("/api/v1/namespaces/default/pods", pod("kt-slow"));
  const podPath = (name: string) => `/api/v1/namespaces/default/pods/${name}`;
  for (const name of ["kt-fast", "kt-slow"])
    await plane.until(`${name} running`, async () =>
      (await plane.client.get<Pod>(podPath(name))).status?.phase === "Running" ? true : undefined,
    );
  const slow = await plane.client.get<Pod>(podPath("kt-slow"));
  expect(
    slow.spec?.tolerations?.find((t) => t.key === "node.kubernetes.io/unreachable")?.tolerationSeconds,
  ).toBe(300);

  const stoppedAt = Date.now();
  await plane.nodes[0]?.kubelet.stop();
  const unknown = await plane.until(
    "kt-n1 Ready=Unknown",
    async () => {
      const node = await plane.client.get<Node>(nodePath("kt-n1"));
      const ready = node.status?.conditions?.find((c) => c.type === "Ready");
      return ready?.status === "Unknown" ? node : undefined;
    },
    40_000,
  );
  const ready = unknown.status?.conditions?.find((c) => c.type === "Ready");
  expect(ready?.reason).toBe("NodeStatusUnknown");
  expect(ready?.message).toBe("Kubelet stopped posting node status.");
  expect(Date.now() - stoppedAt).toBeGreaterThan(3_000);
  const tainted = await plane.until("kt-n1 unreachable taints", async () => {
    const taints = (await plane.client.get<Node>(nodePath("kt-n1"))).spec?.taints ?? [];
    const keys = taints.map((t) => `${t.key}:${t.effect}`).sort();
    return keys.includes("node.kubernetes.io/unreachable:NoExecute") ? keys : undefined;
  });
  expect(tainted).toEqual([
    "node.kubernetes.io/unreachable:NoExecute",
    "node.kubernetes.io/unreachable:NoSchedule",
  ]);

  await plane.until("kt-fast evicted", async () => {
    try {
      return (await plane.client.get<Pod>(podPath("kt-fast"))).metadata?.deletionTimestamp ? true : undefined;
    } catch (error) {
      return isStatus(error, 404) ? true : undefined;
    }
  });
  const events = await plane.client.list<{ items: Event[] }>("/api/v1/namespaces/default/events");
  const reasons = events.items.map((e) => `${e.involvedObject.name} ${e.reason} ${e.message}`);
  expect(reasons).toContain("kt-fast TaintManagerEviction Marking for deletion Pod default/kt-fast");
  expect(reasons).toContain("kt-n1 NodeNotReady Node kt-n1 status is now: NodeNotReady");
  const kept = await plane.client.get<Pod>(podPath("kt-slow"));
  expect(kept.metadata?.deletionTimestamp).toBeUndefined();
  expect(kept.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
  // The other node is untouched.
  const n2 = await plane.client.get<Node>(nodePath("kt-n2"));
  expect(n2.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
  expect(n2.spec?.taints ?? []).toEqual([]);

  // The kubelet comes back: Ready again, the taints go, the tolerating pod stays.
  await plane.addNode("kt-n1");
  await plane.until("kt-n1 untainted", async () => {
    const node = await plane.client.get<Node>(nodePath("kt-n1"));
    const isReady = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    return isReady && (node.spec?.taints ?? []).length === 0 ? true : undefined;
  });
  expect((await plane.client.get<Pod>(podPath("kt-slow"))).metadata?.deletionTimestamp).toBeUndefined();
}, 90_000);
