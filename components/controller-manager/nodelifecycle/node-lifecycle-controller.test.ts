// Node lifecycle over fake informers, a recording API and a moving clock (upstream
// node_lifecycle_controller_test.go): a node silent past the grace period is marked Unknown with
// NodeNotReady and its pods not ready; sync(name) keeps the not-ready/unreachable taints in line.
import { afterEach, expect, test } from "bun:test";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { until } from "../../../test/harness/until.ts";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { NodeLifecycleController, nodeLifecycleControllerWith } from "./node-lifecycle-controller.ts";

let t: TestControllerContext;
afterEach(() => t?.close());

const node = (ready: string): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "n1", uid: "uid-n1" },
  spec: {},
  status: {
    conditions: [
      {
        type: "Ready",
        status: ready,
        lastHeartbeatTime: "2026-01-01T00:00:00Z",
        lastTransitionTime: "2026-01-01T00:00:00Z",
      },
    ],
  },
});

const pod: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "ns", uid: "uid-p" },
  spec: { nodeName: "n1", containers: [] },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
};

async function start(n: Node, now: Date): Promise<NodeLifecycleController> {
  t = testControllerContext({ now });
  t.api.seed("/api/v1/nodes", n);
  t.api.seed("/api/v1/pods", pod);
  const controller = new NodeLifecycleController(t.context, { gracePeriodMs: 40_000 });
  await controller.start();
  await t.synced();
  return controller;
}

test("a node silent past the grace period goes Unknown; its pods are marked not ready", async () => {
  const controller = await start(node("True"), new Date("2026-01-01T00:00:10Z"));
  await controller.monitorNodeHealth();
  expect(t.api.writes()).toEqual([]);
  t.clock.setTime(new Date("2026-01-01T00:00:51Z"));
  await controller.monitorNodeHealth();
  const nodeStatus = t.api.writes("nodes")[0];
  expect(nodeStatus?.subresource).toBe("status");
  const ready = (nodeStatus?.body as Node | undefined)?.status?.conditions?.find((c) => c.type === "Ready");
  expect(ready).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown" });
  const podStatus = t.api.writes("pods")[0];
  expect(podStatus?.name).toBe("p");
  expect((podStatus?.body as Pod | undefined)?.status?.conditions?.[0]?.status).toBe("False");
  expect(t.events.map((e) => e.reason)).toEqual(["NodeNotReady", "NodeNotReady"]);
});

test("sync puts the unreachable taints on a node whose Ready is Unknown (its zone's first token)", async () => {
  // A Ready node beside it: with every node not Ready the controller taints none (master disruption).
  const other = node("True");
  t = testControllerContext({ now: new Date("2026-01-01T00:00:10Z") });
  t.api.seed("/api/v1/nodes", node("Unknown"));
  t.api.seed("/api/v1/nodes", { ...other, metadata: { name: "n2", uid: "uid-n2" } });
  const controller = new NodeLifecycleController(t.context, { gracePeriodMs: 40_000 });
  await controller.start();
  await t.synced();
  await controller.monitorNodeHealth();
  await controller.sync("n1");
  const taints = (t.api.writes("nodes")[0]?.body as Node | undefined)?.spec?.taints?.map(
    (x) => `${x.key}:${x.effect}`,
  );
  expect(taints?.sort()).toEqual([
    "node.kubernetes.io/unreachable:NoExecute",
    "node.kubernetes.io/unreachable:NoSchedule",
  ]);
});

test("sync leaves a Ready node without taints alone", async () => {
  const controller = await start(node("True"), new Date("2026-01-01T00:00:10Z"));
  await controller.sync("n1");
  expect(t.api.writes()).toEqual([]);
});

test("with nodeHealthStart, no node is judged before it settles, and each grace period starts then", async () => {
  // A restart: the node's last heartbeat is old, and its kubelet is still coming back.
  const gate = Promise.withResolvers<void>();
  t = testControllerContext({
    now: new Date("2026-01-01T00:00:10Z"),
    options: { nodeHealthStart: gate.promise },
  });
  t.api.seed("/api/v1/nodes", node("True"));
  t.api.seed("/api/v1/pods", pod);
  const running = await nodeLifecycleControllerWith({ gracePeriodMs: 40_000, monitorPeriodMs: 10 }).start(
    t.context,
  );
  try {
    await t.synced();
    // Without the gate the first pass (at 00:00:10) starts the grace: Unknown by 00:01:00.
    t.clock.setTime(new Date("2026-01-01T00:01:00Z"));
    await Bun.sleep(100);
    expect(t.api.writes("nodes")).toEqual([]);
    gate.resolve();
    await until("the first health pass", async () =>
      t.logs.some((l) => l.includes("grace period starts now")) ? true : undefined,
    );
    await Bun.sleep(50);
    t.clock.setTime(new Date("2026-01-01T00:01:39Z"));
    await Bun.sleep(50);
    expect(t.api.writes("nodes")).toEqual([]);
    t.clock.setTime(new Date("2026-01-01T00:01:41Z"));
    const written = await until("the node marked Unknown", async () => t.api.writes("nodes")[0]);
    const ready = (written.body as Node | undefined)?.status?.conditions?.find((c) => c.type === "Ready");
    expect(ready?.status).toBe("Unknown");
  } finally {
    await running.stop();
  }
});

const named = (name: string, ready: string, taints: Node["spec"] = {}): Node => ({
  ...node(ready),
  metadata: { name, uid: `uid-${name}` },
  spec: taints,
});

async function startNodes(nodes: Node[]): Promise<NodeLifecycleController> {
  t = testControllerContext({ now: new Date("2026-01-01T00:00:10Z") });
  for (const n of nodes) t.api.seed("/api/v1/nodes", n);
  const controller = new NodeLifecycleController(t.context, { gracePeriodMs: 40_000 });
  await controller.start();
  await t.synced();
  await controller.monitorNodeHealth();
  return controller;
}

const taintKeys = (name: string): string[] | undefined =>
  (t.api.writes("nodes").find((w) => w.name === name)?.body as Node | undefined)?.spec?.taints
    ?.map((x) => `${x.key}:${x.effect}`)
    .sort();

test("every node not Ready (master disruption): their NoExecute taints go, NoSchedule ones stay", async () => {
  const unreachable = {
    taints: [
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2026-01-01T00:00:00Z" },
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
    ],
  };
  const controller = await startNodes([
    named("n1", "Unknown", unreachable),
    named("n2", "Unknown", unreachable),
  ]);
  expect(t.logs.some((l) => l.includes("Entering master disruption mode"))).toBe(true);
  await controller.sync("n1");
  expect(taintKeys("n1")).toEqual(["node.kubernetes.io/unreachable:NoSchedule"]);
});

test("NoExecute taints at the zone's rate: one at once, the next one 10 s later (0.1 per second)", async () => {
  const nodes = [named("n1", "Unknown"), named("n2", "Unknown")];
  for (let i = 3; i <= 10; i++) nodes.push(named(`n${i}`, "True"));
  const controller = await startNodes(nodes);
  await controller.sync("n1");
  expect(taintKeys("n1")).toEqual([
    "node.kubernetes.io/unreachable:NoExecute",
    "node.kubernetes.io/unreachable:NoSchedule",
  ]);
  await controller.sync("n2");
  expect(taintKeys("n2")).toEqual(["node.kubernetes.io/unreachable:NoSchedule"]);
  t.clock.setTime(new Date("2026-01-01T00:00:20Z"));
  const writes = t.api.writes("nodes").length;
  await controller.sync("n2");
  expect(t.api.writes("nodes").length).toBe(writes + 1);
  const last = t.api.writes("nodes").at(-1)?.body as Node | undefined;
  expect(last?.spec?.taints?.map((x) => x.effect).sort()).toEqual(["NoExecute", "NoSchedule"]);
});

test("a small zone mostly not Ready (partial disruption) gets no NoExecute taint", async () => {
  const controller = await startNodes([
    named("n1", "Unknown"),
    named("n2", "Unknown"),
    named("n3", "Unknown"),
    named("n4", "True"),
  ]);
  await controller.sync("n1");
  expect(taintKeys("n1")).toEqual(["node.kubernetes.io/unreachable:NoSchedule"]);
});
