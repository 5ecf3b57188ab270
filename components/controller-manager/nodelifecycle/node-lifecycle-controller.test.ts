// Node lifecycle over fake informers, a recording API and a moving clock (upstream
// node_lifecycle_controller_test.go): a node silent past the grace period is marked Unknown with
// NodeNotReady and its pods not ready; sync(name) keeps the not-ready/unreachable taints in line.
import { afterEach, expect, test } from "bun:test";
import type { Node, Pod } from "kubernetes-types/core/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { NodeLifecycleController } from "./node-lifecycle-controller.ts";

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

test("sync puts the unreachable taints on a node whose Ready is Unknown", async () => {
  const controller = await start(node("Unknown"), new Date("2026-01-01T00:00:10Z"));
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
