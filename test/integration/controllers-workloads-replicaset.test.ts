// The ReplicaSet and ReplicationController controllers against a real apiserver and three
// fake-runtime kubelets (pods bound round-robin): create, scale, replace, adopt, events.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Event, Pod } from "kubernetes-types/core/v1";
import { replicaSetController } from "../../components/controller-manager/replicaset/replica-set-descriptor.ts";
import { replicationControllerController } from "../../components/controller-manager/replicationcontroller/replication-controller-descriptor.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { kubectlFor } from "../harness/kubectl.ts";

let cp: ControlPlane;
const RS = "/apis/apps/v1/namespaces/default/replicasets";
const PODS = "/api/v1/namespaces/default/pods";

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2", "kt-n3"],
    controllers: [replicaSetController, replicationControllerController],
    binder: true,
  });
});
afterAll(async () => {
  await cp?.stop();
});

const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: app, image: "hello" }] },
});

function replicaSet(name: string, replicas: number) {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name) },
  };
}

async function podsOf(app: string): Promise<Pod[]> {
  const list = await cp.client.list<{ items: Pod[] }>(PODS, { labelSelector: `app=${app}` });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

async function readyReplicas(name: string, want: number): Promise<ReplicaSet> {
  return cp.until(`${name} readyReplicas ${want}`, async () => {
    const rs = await cp.client.get<ReplicaSet>(`${RS}/${name}`);
    const s = rs.status;
    const ok =
      s?.replicas === want &&
      s.readyReplicas === want &&
      s.availableReplicas === want &&
      s.fullyLabeledReplicas === want &&
      s.observedGeneration === rs.metadata?.generation;
    return ok ? rs : undefined;
  });
}

test("a ReplicaSet of 3 creates 3 pods named <rs>-xxxxx, spread over the nodes, and reports them ready", async () => {
  const rs = await cp.client.create<ReplicaSet>(RS, replicaSet("hello", 3));
  await readyReplicas("hello", 3);
  const pods = await podsOf("hello");
  expect(pods).toHaveLength(3);
  for (const pod of pods) {
    expect(pod.metadata?.name).toMatch(/^hello-[a-z0-9]{5}$/);
    expect(pod.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: "hello",
        uid: rs.metadata?.uid as string,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  }
  expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(3);
  const events = await cp.until("SuccessfulCreate events", async () => {
    const list = await cp.client.list<{ items: Event[] }>("/api/v1/namespaces/default/events");
    const created = list.items.filter(
      (e) => e.involvedObject.name === "hello" && e.reason === "SuccessfulCreate",
    );
    return created.length === 3 ? created : undefined;
  });
  expect(events[0]?.message).toMatch(/^Created pod: hello-[a-z0-9]{5}$/);
  expect(events[0]?.source?.component).toBe("replicaset-controller");
  expect(events[0]?.involvedObject.kind).toBe("ReplicaSet");
});

test("scale up and down through /scale; scale-down deletes pods with SuccessfulDelete", async () => {
  await cp.client.patch(`${RS}/hello/scale`, { spec: { replicas: 5 } });
  await readyReplicas("hello", 5);
  expect(await podsOf("hello")).toHaveLength(5);
  await cp.client.patch(`${RS}/hello/scale`, { spec: { replicas: 2 } });
  await readyReplicas("hello", 2);
  await cp.until("2 pods left", async () => ((await podsOf("hello")).length === 2 ? true : undefined));
  await cp.until("SuccessfulDelete events", async () => {
    const list = await cp.client.list<{ items: Event[] }>("/api/v1/namespaces/default/events");
    return list.items.some(
      (e) => e.reason === "SuccessfulDelete" && /^Deleted pod: hello-/.test(e.message ?? ""),
    )
      ? true
      : undefined;
  });
});

test("a deleted pod is replaced", async () => {
  const [victim] = await podsOf("hello");
  await cp.client.delete(`${PODS}/${victim?.metadata?.name}`, { gracePeriodSeconds: 0 });
  await cp.until("a replacement pod", async () => {
    const pods = await podsOf("hello");
    return pods.length === 2 && !pods.some((p) => p.metadata?.name === victim?.metadata?.name)
      ? true
      : undefined;
  });
  await readyReplicas("hello", 2);
});

test("a running orphan pod matching the selector is adopted; a pod whose labels stop matching is released", async () => {
  await cp.client.create(PODS, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "kt-orphan", labels: { app: "adopt" } },
    spec: { containers: [{ name: "c", image: "hello" }] },
  });
  await cp.until("orphan running", async () => {
    const pod = await cp.client.get<Pod>(`${PODS}/kt-orphan`);
    return pod.status?.phase === "Running" ? pod : undefined;
  });
  const rs = await cp.client.create<ReplicaSet>(RS, replicaSet("adopt", 1));
  const adopted = await cp.until("orphan adopted", async () => {
    const pod = await cp.client.get<Pod>(`${PODS}/kt-orphan`);
    return pod.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid ? pod : undefined;
  });
  expect(adopted.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "ReplicaSet", controller: true });
  await readyReplicas("adopt", 1);
  expect((await podsOf("adopt")).map((p) => p.metadata?.name)).toEqual(["kt-orphan"]);
  await cp.client.patch(`${PODS}/kt-orphan`, { metadata: { labels: { app: "released" } } });
  await cp.until("pod released", async () => {
    const pod = await cp.client.get<Pod>(`${PODS}/kt-orphan`);
    return pod.metadata?.ownerReferences?.length ? undefined : true;
  });
  await readyReplicas("adopt", 1);
  expect((await podsOf("adopt")).map((p) => p.metadata?.name)).toEqual([expect.stringMatching(/^adopt-/)]);
  await cp.client.delete(`${PODS}/kt-orphan`, { gracePeriodSeconds: 0 });
});

test("a ReplicationController keeps its replicas too", async () => {
  const RC = "/api/v1/namespaces/default/replicationcontrollers";
  await cp.client.create(RC, {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name: "rc" },
    spec: { replicas: 2, selector: { app: "rc" }, template: template("rc") },
  });
  await cp.until("rc ready", async () => {
    const rc = await cp.client.get<{ status?: { readyReplicas?: number } }>(`${RC}/rc`);
    return rc.status?.readyReplicas === 2 ? true : undefined;
  });
  const pods = await podsOf("rc");
  expect(pods).toHaveLength(2);
  expect(pods[0]?.metadata?.ownerReferences?.[0]?.kind).toBe("ReplicationController");
});

test("seed 000 with kubectl: create -f rs.yaml, get rs, scale --replicas=4 -f rs.yaml", async () => {
  const kubectl = kubectlFor(cp.url);
  try {
    const file = kubectl.file(
      "rs.yaml",
      `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: seed
spec:
  replicas: 3
  selector:
    matchLabels:
      app: seed
  template:
    metadata:
      labels:
        app: seed
    spec:
      containers:
      - name: seed
        image: hello
`,
    );
    expect((await kubectl(["create", "--filename", file])).stdout).toBe("replicaset.apps/seed created\n");
    await readyReplicas("seed", 3);
    const get = await kubectl(["get", "rs", "seed", "--no-headers"]);
    expect(get.stdout).toMatch(/^seed\s+3\s+3\s+3\s+\d+s\n$/);
    const pods = await kubectl([
      "get",
      "pods",
      "-l",
      "app=seed",
      "-o",
      "custom-columns=Name:.metadata.name,Node:.spec.nodeName",
      "--no-headers",
    ]);
    const nodes = pods.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/)[1]);
    expect(nodes.sort()).toEqual(["kt-n1", "kt-n2", "kt-n3"]);
    expect((await kubectl(["scale", "--replicas=4", "--filename", file])).stdout).toBe(
      "replicaset.apps/seed scaled\n",
    );
    await readyReplicas("seed", 4);
    expect((await kubectl(["get", "rs", "seed", "--no-headers"])).stdout).toMatch(
      /^seed\s+4\s+4\s+4\s+\d+s\n$/,
    );
  } finally {
    kubectl.cleanup();
  }
}, 30_000);
