// Taint eviction sync(podKey) over fake informers and a recording API (upstream
// taint_eviction_test.go): a pod that does not tolerate a NoExecute taint gets DisruptionTarget
// and is deleted at once; one tolerating it for a while is not deleted yet; one tolerating it is kept.
import { afterEach, expect, test } from "bun:test";
import type { Node, Pod, Toleration } from "kubernetes-types/core/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { TaintEvictionController } from "./taint-eviction-controller.ts";

let t: TestControllerContext;
let controller: TaintEvictionController | undefined;
afterEach(async () => {
  controller?.stop();
  await t?.close();
});

const tainted: Node = {
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "n1" },
  spec: { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] },
};

const pod = (name: string, tolerations: Toleration[] = []): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "ns", uid: `uid-${name}` },
  spec: { nodeName: "n1", tolerations, containers: [] },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
});

async function start(pods: Pod[]): Promise<TaintEvictionController> {
  t = testControllerContext();
  t.api.seed("/api/v1/nodes", tainted);
  t.api.seed("/api/v1/pods", ...pods);
  controller = new TaintEvictionController(t.context);
  await controller.start();
  await t.synced();
  return controller;
}

test("a pod not tolerating the NoExecute taint gets DisruptionTarget, then is deleted with its uid", async () => {
  const c = await start([pod("victim")]);
  await c.sync("ns/victim");
  const writes = t.api.writes("pods");
  expect(writes.map((a) => [a.verb, a.name, a.subresource])).toEqual([
    ["update", "victim", "status"],
    ["delete", "victim", undefined],
  ]);
  const condition = (writes[0]?.body as Pod | undefined)?.status?.conditions?.find(
    (x) => x.type === "DisruptionTarget",
  );
  expect(condition).toMatchObject({ status: "True", reason: "DeletionByTaintManager" });
  expect(writes[1]?.body).toMatchObject({ preconditions: { uid: "uid-victim" } });
  expect(t.events.map((e) => e.message)).toEqual(["Marking for deletion Pod ns/victim"]);
});

test("tolerationSeconds delays the deletion; a full toleration keeps the pod", async () => {
  const c = await start([
    pod("patient", [
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ]),
    pod("immune", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }]),
  ]);
  await c.sync("ns/patient");
  await c.sync("ns/immune");
  expect(t.api.writes()).toEqual([]);
});
