// DaemonSet sync(key) over fake informers and a recording API (upstream daemon_controller_test.go):
// a revision, then one pod per eligible node pinned by node affinity; tainted and non-matching
// nodes get none; a pod on a node that no longer fits is deleted; unmet expectations wait.
import { afterEach, expect, test } from "bun:test";
import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { testPod } from "../common/testing/test-pod.ts";
import { type DaemonSetController, startDaemonSetController } from "./daemon-set-controller.ts";

const DS_UID = "ds-uid";
let t: TestControllerContext;
afterEach(() => t?.close());

const daemonSet: DaemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "agent", namespace: "ns", uid: DS_UID, generation: 1 },
  spec: {
    selector: { matchLabels: { app: "agent" } },
    template: {
      metadata: { labels: { app: "agent" } },
      spec: { nodeSelector: { role: "worker" }, containers: [{ name: "c", image: "i" }] },
    },
  },
};

function node(name: string, labels: Record<string, string>, taints: Node["spec"] = {}): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, uid: `uid-${name}`, labels },
    spec: taints,
    status: { conditions: [{ type: "Ready", status: "True" }] },
  };
}

function daemonPod(name: string, nodeName: string): Pod {
  const owner = { apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: DS_UID };
  return testPod(name, { labels: { app: "agent" }, owner, node: nodeName });
}

async function start(nodes: Node[], pods: Pod[] = []): Promise<DaemonSetController> {
  t = testControllerContext();
  t.api.seed("/apis/apps/v1/daemonsets", daemonSet);
  t.api.seed("/api/v1/nodes", ...nodes);
  t.api.seed("/api/v1/pods", ...pods);
  const controller = startDaemonSetController(t.context);
  await t.synced();
  return controller;
}

const pinnedNode = (pod: Pod) =>
  pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]
    ?.matchFields?.[0]?.values?.[0];

test("one pod per eligible node, pinned by node affinity; a revision first", async () => {
  const controller = await start([
    node("w1", { role: "worker" }),
    node("w2", { role: "worker" }),
    node("cp", { role: "control-plane" }),
    node(
      "tainted",
      { role: "worker" },
      { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] },
    ),
  ]);
  await controller.sync("ns/agent");
  const revisions = t.api.writes("controllerrevisions").map((a) => a.body as ControllerRevision);
  expect(revisions).toHaveLength(1);
  expect(revisions[0]?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "DaemonSet", uid: DS_UID });
  const hash = revisions[0]?.metadata?.labels?.["controller-revision-hash"];
  expect(hash).toBeTruthy();
  const pods = t.api.writes("pods").map((a) => a.body as Pod);
  expect(pods.map(pinnedNode).sort()).toEqual(["w1", "w2"]);
  expect(pods[0]?.metadata?.labels).toEqual({
    app: "agent",
    "controller-revision-hash": hash ?? "",
    "pod-template-generation": "1",
  });
  expect(pods[0]?.spec?.tolerations?.map((x) => x.key)).toContain("node.kubernetes.io/unschedulable");
  expect(t.events.filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(2);
});

test("a pod on a node that stopped matching is deleted; a node that has its pod gets no other", async () => {
  const controller = await start(
    [node("w1", { role: "worker" }), node("old", { role: "retired" })],
    [daemonPod("agent-w1", "w1"), daemonPod("agent-old", "old")],
  );
  await controller.sync("ns/agent");
  const podWrites = t.api.writes("pods");
  expect(podWrites.map((a) => [a.verb, a.name])).toEqual([["delete", "agent-old"]]);
  expect(podWrites[0]?.body).toMatchObject({ preconditions: { uid: "uid-agent-old" } });
});

test("while creations are expected, no pods are created", async () => {
  const controller = await start([node("w1", { role: "worker" })]);
  await controller.sync("ns/agent");
  t.api.clearActions();
  await controller.sync("ns/agent");
  expect(t.api.writes("pods")).toEqual([]);
});

test("the revision copies the DaemonSet's annotations (kubectl rollout history's CHANGE-CAUSE)", async () => {
  t = testControllerContext();
  const annotated: DaemonSet = {
    ...daemonSet,
    metadata: {
      ...daemonSet.metadata,
      annotations: { "kubernetes.io/change-cause": "kubectl set image ds/agent c=i2" },
    },
  };
  t.api.seed("/apis/apps/v1/daemonsets", annotated);
  t.api.seed("/api/v1/nodes", node("w1", { role: "worker" }));
  const controller = startDaemonSetController(t.context);
  await t.synced();
  await controller.sync("ns/agent");
  const [revision] = t.api.writes("controllerrevisions").map((a) => a.body as ControllerRevision);
  expect(revision?.metadata?.annotations).toEqual({
    "kubernetes.io/change-cause": "kubectl set image ds/agent c=i2",
  });
});
