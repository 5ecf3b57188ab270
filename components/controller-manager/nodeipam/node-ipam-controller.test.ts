// Node IPAM sync(name) over fake informers and a recording API (upstream range_allocator_test.go):
// existing podCIDRs are occupied first, a new node gets the next free block, the set running dry
// is CIDRNotAvailable, and a deleted node's block goes back.
import { afterEach, expect, test } from "bun:test";
import type { Node } from "kubernetes-types/core/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { waitFor } from "../common/testing/wait-for.ts";
import { NodeIpamController, nodeIpamController } from "./node-ipam-controller.ts";

let t: TestControllerContext;
afterEach(() => t?.close());

const node = (name: string, podCIDR?: string): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, uid: `uid-${name}` },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
});

async function start(nodes: Node[], clusterCIDR = "10.244.0.0/23"): Promise<NodeIpamController> {
  t = testControllerContext();
  t.api.seed("/api/v1/nodes", ...nodes);
  const controller = new NodeIpamController(t.context, clusterCIDR, 24);
  await controller.start();
  await t.synced();
  return controller;
}

const cidrPatches = () =>
  t.api.writes("nodes").map((a) => [a.name, (a.body as Node).spec?.podCIDR, (a.body as Node).spec?.podCIDRs]);

test("a new node gets the next block not already held by a node", async () => {
  const controller = await start([node("old", "10.244.0.0/24"), node("new")]);
  await controller.sync("new");
  expect(cidrPatches()).toEqual([["new", "10.244.1.0/24", ["10.244.1.0/24"]]]);
  // The patch carries the resourceVersion read just before, so a concurrent writer conflicts.
  expect((t.api.writes("nodes")[0]?.body as Node | undefined)?.metadata?.resourceVersion).toBeTruthy();
});

test("no block left: CIDRNotAvailable and a sync error; a deleted node's block is reused", async () => {
  const controller = await start([node("a", "10.244.0.0/24"), node("b", "10.244.1.0/24"), node("c")]);
  await expect(controller.sync("c")).rejects.toThrow("no remaining CIDRs in 10.244.0.0/23 for node c");
  expect(t.events.map((e) => [e.reason, e.message])).toEqual([
    ["CIDRNotAvailable", "Node c status is now: CIDRNotAvailable"],
  ]);
  t.api.remove("/api/v1/nodes", node("a", "10.244.0.0/24"));
  await waitFor(
    "node a to leave the cache",
    () => t.informers.for<Node>("/api/v1/nodes").get("a") === undefined,
  );
  await controller.sync("a");
  await controller.sync("c");
  expect(cidrPatches()).toEqual([["c", "10.244.0.0/24", ["10.244.0.0/24"]]]);
});

test("a node that got a CIDR meanwhile keeps it, and ours goes back", async () => {
  const controller = await start([node("n")]);
  t.api.seed("/api/v1/nodes", node("n", "10.244.1.0/24"));
  await controller.sync("n");
  expect(cidrPatches()).toEqual([]);
  expect(t.logs.some((l) => l.includes("already has a CIDR allocated 10.244.1.0/24"))).toBe(true);
});

test("--node-cidr-mask-size (ControllerOptions.nodeCIDRMaskSize) sets the size of each node's block", async () => {
  t = testControllerContext({
    options: { allocateNodeCIDRs: true, clusterCIDR: "10.244.0.0/16", nodeCIDRMaskSize: 26, workers: 1 },
  });
  t.api.seed("/api/v1/nodes", node("small"));
  const running = await nodeIpamController.start(t.context);
  await waitFor("the node patched", () => cidrPatches().length === 1);
  expect(cidrPatches()).toEqual([["small", "10.244.0.0/26", ["10.244.0.0/26"]]]);
  await running.stop();
});
