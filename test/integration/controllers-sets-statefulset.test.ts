// The statefulset controller against a real apiserver and fake-runtime kubelets: ordered
// creation (each pod Running and Ready before the next), stable hostnames, scale-down highest
// ordinal first, RollingUpdate with a partition, ControllerRevisions and status.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ControllerRevision, StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { statefulSetController } from "../../components/controller-manager/statefulset/stateful-set-controller.ts";
import { Informer } from "../../lib/informer/informer.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane;
let watcher: Informer<Pod>;
const added: string[] = [];
const deleting: string[] = [];
const outOfOrder: string[] = [];
const base = "/apis/apps/v1/namespaces/default/statefulsets";

const ready = (pod: Pod | undefined) =>
  pod?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2"],
    controllers: [statefulSetController],
    binder: true,
  });
  watcher = new Informer<Pod>({
    client: cp.client,
    path: "/api/v1/namespaces/default/pods",
    onAdd: (pod) => {
      const name = pod.metadata?.name ?? "";
      added.push(name);
      const ordinal = Number(name.split("-").at(-1));
      // OrderedReady: when web-N appears, web-(N-1) must already be Running and Ready.
      if (ordinal > 0 && !ready(watcher.get(`default/web-${ordinal - 1}`))) outOfOrder.push(name);
    },
    onUpdate: (old, pod) => {
      if (!old.metadata?.deletionTimestamp && pod.metadata?.deletionTimestamp)
        deleting.push(pod.metadata.name ?? "");
    },
  });
  watcher.start();
  await watcher.synced;
});

afterAll(async () => {
  await watcher?.stop();
  await cp?.stop();
});

const getSet = () => cp.client.get<StatefulSet>(`${base}/web`);

test("creates web-0, web-1, web-2 in order, each after the previous is Running and Ready", async () => {
  await cp.client.create(base, {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web" },
    spec: {
      replicas: 3,
      serviceName: "nginx",
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "c", image: "nginx:1" }] },
      },
    },
  });
  const set = await cp.until("3 ready replicas", async () => {
    const s = await getSet();
    return s.status?.readyReplicas === 3 && s.status.observedGeneration === s.metadata?.generation
      ? s
      : undefined;
  });
  expect(added.filter((n) => n.startsWith("web-"))).toEqual(["web-0", "web-1", "web-2"]);
  expect(outOfOrder).toEqual([]);
  const pod = await cp.client.get<Pod>("/api/v1/namespaces/default/pods/web-1");
  expect(pod.spec?.hostname).toBe("web-1");
  expect(pod.spec?.subdomain).toBe("nginx");
  expect(pod.metadata?.labels?.["statefulset.kubernetes.io/pod-name"]).toBe("web-1");
  expect(pod.metadata?.labels?.["apps.kubernetes.io/pod-index"]).toBe("1");
  expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "StatefulSet",
    name: "web",
    controller: true,
  });
  expect(set.status?.currentRevision).toBe(set.status?.updateRevision as string);
  expect(pod.metadata?.labels?.["controller-revision-hash"]).toBe(set.status?.updateRevision as string);
  const revisions = await cp.client.list<{ items: ControllerRevision[] }>(
    "/apis/apps/v1/namespaces/default/controllerrevisions",
  );
  expect(revisions.items.map((r) => r.metadata?.name)).toEqual([set.status?.updateRevision as string]);
  expect(revisions.items[0]?.revision).toBe(1);
});

test("scales down highest ordinal first, one at a time", async () => {
  deleting.length = 0;
  await cp.client.patch(`${base}/web/scale`, { spec: { replicas: 1 } });
  await cp.until("one replica", async () => {
    const s = await getSet();
    return s.status?.replicas === 1 && s.status.readyReplicas === 1 ? s : undefined;
  });
  expect(deleting).toEqual(["web-2", "web-1"]);
});

test("RollingUpdate with a partition replaces only the ordinals at or above it, highest first", async () => {
  await cp.client.patch(`${base}/web/scale`, { spec: { replicas: 3 } });
  await cp.until("3 ready", async () => ((await getSet()).status?.readyReplicas === 3 ? true : undefined));
  const before = (await getSet()).status?.updateRevision;
  deleting.length = 0;
  await cp.client.patch(`${base}/web`, {
    spec: {
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } },
      template: { spec: { containers: [{ name: "c", image: "nginx:2" }] } },
    },
  });
  const set = await cp.until("2 updated", async () => {
    const s = await getSet();
    return s.status?.updatedReplicas === 2 &&
      s.status.readyReplicas === 3 &&
      s.status.updateRevision !== before
      ? s
      : undefined;
  });
  expect(deleting).toEqual(["web-2", "web-1"]);
  expect(set.status?.currentRevision).toBe(before as string);
  const image = async (name: string) =>
    (await cp.client.get<Pod>(`/api/v1/namespaces/default/pods/${name}`)).spec?.containers[0]?.image;
  expect(await image("web-0")).toBe("nginx:1");
  expect(await image("web-1")).toBe("nginx:2");
  expect(await image("web-2")).toBe("nginx:2");
  // Partition 0 finishes the rollout; the update revision becomes current.
  await cp.client.patch(`${base}/web`, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
  const done = await cp.until("rolled out", async () => {
    const s = await getSet();
    return s.status?.updatedReplicas === 3 && s.status.currentRevision === s.status.updateRevision
      ? s
      : undefined;
  });
  expect(done.status?.currentReplicas).toBe(3);
  expect(await image("web-0")).toBe("nginx:2");
});

test("Parallel creates all pods at once", async () => {
  await cp.client.create(base, {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "par" },
    spec: {
      replicas: 3,
      podManagementPolicy: "Parallel",
      serviceName: "par",
      selector: { matchLabels: { app: "par" } },
      template: {
        metadata: { labels: { app: "par" } },
        spec: { containers: [{ name: "c", image: "nginx:1" }] },
      },
    },
  });
  await cp.until("3 ready", async () => {
    const s = await cp.client.get<StatefulSet>(`${base}/par`);
    return s.status?.readyReplicas === 3 ? s : undefined;
  });
});
