// The daemonset controller against a real apiserver and three fake-runtime kubelets: a pod per
// node placed through its `matchFields metadata.name` affinity (bound here by a tiny test
// binder that honours it, standing in for the scheduler), nodeSelector and taints, a rolling
// update within maxUnavailable, ControllerRevisions and status.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { daemonSetController } from "../../components/controller-manager/daemonset/daemon-set-controller.ts";
import { Informer } from "../../lib/informer/informer.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane;
let binder: Informer<Pod>;
const base = "/apis/apps/v1/namespaces/default/daemonsets";

/** Binds a pending pod to the node its required matchFields affinity names. */
function bindByAffinity(pod: Pod): void {
  if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const node = terms?.[0]?.matchFields?.find((f) => f.key === "metadata.name")?.values?.[0];
  if (!node) return;
  const ns = pod.metadata?.namespace ?? "default";
  cp.client
    .create(`/api/v1/namespaces/${ns}/pods/${pod.metadata?.name}/binding`, {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: pod.metadata?.name, namespace: ns },
      target: { apiVersion: "v1", kind: "Node", name: node },
    })
    .catch(() => {});
}

beforeAll(async () => {
  cp = await startControlPlane({ nodes: ["kt-n1", "kt-n2", "kt-n3"], controllers: [daemonSetController] });
  binder = new Informer<Pod>({ client: cp.client, path: "/api/v1/pods", onAdd: bindByAffinity });
  binder.start();
  await binder.synced;
});

afterAll(async () => {
  await binder?.stop();
  await cp?.stop();
});

const getDs = () => cp.client.get<DaemonSet>(`${base}/agent`);
const livePods = async () =>
  (
    await cp.client.list<{ items: Pod[] }>("/api/v1/namespaces/default/pods", { labelSelector: "app=agent" })
  ).items.filter((p) => !p.metadata?.deletionTimestamp);
const settled = (want: Partial<Record<keyof NonNullable<DaemonSet["status"]>, number>>) => async () => {
  const ds = await getDs();
  const s: NonNullable<DaemonSet["status"]> = ds.status ?? ({} as NonNullable<DaemonSet["status"]>);
  if (s.observedGeneration !== ds.metadata?.generation) return undefined;
  for (const [k, v] of Object.entries(want))
    if ((s as unknown as Record<string, unknown>)[k] !== v) return undefined;
  return ds;
};

test("runs one pod on each of three nodes, placed by node affinity", async () => {
  await cp.client.create(base, {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent" },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: {
        metadata: { labels: { app: "agent" } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    },
  });
  const ds = await cp.until(
    "3 ready",
    settled({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 3,
      updatedNumberScheduled: 3,
    }),
  );
  expect(ds.status?.numberMisscheduled).toBe(0);
  const pods = await livePods();
  expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(["kt-n1", "kt-n2", "kt-n3"]);
  const pod = pods[0] as Pod;
  expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "DaemonSet",
    name: "agent",
    controller: true,
  });
  expect(pod.spec?.tolerations?.map((t) => t.key)).toContain("node.kubernetes.io/unreachable");
  const revisions = await cp.client.list<{ items: ControllerRevision[] }>(
    "/apis/apps/v1/namespaces/default/controllerrevisions",
  );
  expect(revisions.items.length).toBe(1);
  const hash = revisions.items[0]?.metadata?.labels?.["controller-revision-hash"];
  expect(revisions.items[0]?.metadata?.name).toBe(`agent-${hash}`);
  expect(pod.metadata?.labels?.["controller-revision-hash"]).toBe(hash as string);
});

test("a nodeSelector no longer matching a node removes its pod", async () => {
  for (const n of ["kt-n1", "kt-n2"])
    await cp.client.patch(`/api/v1/nodes/${n}`, { metadata: { labels: { disk: "ssd" } } });
  await cp.client.patch(`${base}/agent`, { spec: { template: { spec: { nodeSelector: { disk: "ssd" } } } } });
  await cp.until(
    "2 desired, 2 updated",
    settled({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberReady: 2 }),
  );
  await cp.until("two pods", async () => ((await livePods()).length === 2 ? true : undefined));
  expect((await livePods()).map((p) => p.spec?.nodeName).sort()).toEqual(["kt-n1", "kt-n2"]);
});

test("a rolling update replaces every pod with the new template", async () => {
  await cp.client.patch(`${base}/agent`, {
    spec: {
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: { spec: { containers: [{ name: "c", image: "busybox" }] } },
    },
  });
  await cp.until(
    "rolled out",
    settled({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }),
  );
  const pods = await cp.until("pods at agent:2", async () => {
    const pods = await livePods();
    return pods.length === 2 && pods.every((p) => p.spec?.containers[0]?.image === "busybox")
      ? pods
      : undefined;
  });
  expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(["kt-n1", "kt-n2"]);
});

test("an untolerated NoExecute taint evicts the daemon pod from that node", async () => {
  await cp.client.patch(`/api/v1/nodes/kt-n2`, {
    spec: { taints: [{ key: "kt-drain", effect: "NoExecute" }] },
  });
  await cp.until("one desired", settled({ desiredNumberScheduled: 1, numberReady: 1 }));
  await cp.until("one pod", async () => ((await livePods()).length === 1 ? true : undefined));
  expect((await livePods())[0]?.spec?.nodeName).toBe("kt-n1");
});
