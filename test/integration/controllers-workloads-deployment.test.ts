// The Deployment controller against a real apiserver, the ReplicaSet controller and three
// fake-runtime kubelets: rollouts driven by the real kubectl (set image, rollout status, undo,
// history, pause/resume, restart, scale) and by the API (Recreate, revision cleanup).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Event, Pod } from "kubernetes-types/core/v1";
import { deploymentController } from "../../components/controller-manager/deployment/deployment-descriptor.ts";
import { replicaSetController } from "../../components/controller-manager/replicaset/replica-set-descriptor.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";

let cp: ControlPlane;
let kubectl: Kubectl;
const DEPLOY = "/apis/apps/v1/namespaces/default/deployments";
const RS = "/apis/apps/v1/namespaces/default/replicasets";
const REVISION = "deployment.kubernetes.io/revision";

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2", "kt-n3"],
    controllers: [replicaSetController, deploymentController],
    binder: true,
  });
  kubectl = kubectlFor(cp.url);
}, 30_000);
afterAll(async () => {
  kubectl?.cleanup();
  await cp?.stop();
}, 30_000);

function deployment(name: string, replicas: number, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: "hello" }] } },
      ...extra,
    },
  };
}

async function replicaSetsOf(name: string): Promise<ReplicaSet[]> {
  const list = await cp.client.list<{ items: ReplicaSet[] }>(RS, { labelSelector: `app=${name}` });
  return list.items.sort(
    (a, b) => Number(a.metadata?.annotations?.[REVISION]) - Number(b.metadata?.annotations?.[REVISION]),
  );
}

/** Waits until the Deployment's rollout is complete (what `kubectl rollout status` checks). */
async function rolledOut(name: string, replicas: number): Promise<Deployment> {
  return cp.until(
    `${name} rolled out`,
    async () => {
      const d = await cp.client.get<Deployment>(`${DEPLOY}/${name}`);
      const s = d.status;
      const done =
        (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
        s?.updatedReplicas === replicas &&
        s.replicas === replicas &&
        s.availableReplicas === replicas &&
        s.conditions?.some((c) => c.type === "Progressing" && c.reason === "NewReplicaSetAvailable");
      return done ? d : undefined;
    },
    30_000,
  );
}

async function events(name: string, reason: string): Promise<string[]> {
  const list = await cp.client.list<{ items: Event[] }>("/api/v1/namespaces/default/events");
  return list.items
    .filter((e) => e.involvedObject.name === name && e.reason === reason)
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))
    .map((e) => e.message ?? "");
}

test("a Deployment of 3 gets one ReplicaSet <name>-<hash> with revision 1, and conditions", async () => {
  await cp.client.create(DEPLOY, deployment("hello", 3));
  const d = await rolledOut("hello", 3);
  const [rs, ...rest] = await replicaSetsOf("hello");
  expect(rest).toHaveLength(0);
  const hash = rs?.metadata?.labels?.["pod-template-hash"] as string;
  expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  expect(rs?.metadata?.name).toBe(`hello-${hash}`);
  expect(rs?.spec?.selector.matchLabels).toEqual({ app: "hello", "pod-template-hash": hash });
  expect(rs?.spec?.template?.metadata?.labels).toEqual({ app: "hello", "pod-template-hash": hash });
  expect(rs?.metadata?.annotations).toMatchObject({
    [REVISION]: "1",
    "deployment.kubernetes.io/desired-replicas": "3",
    "deployment.kubernetes.io/max-replicas": "4",
  });
  expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "Deployment",
    uid: d.metadata?.uid,
    controller: true,
  });
  expect(d.metadata?.annotations?.[REVISION]).toBe("1");
  expect(d.status?.readyReplicas).toBe(3);
  expect(d.status?.conditions?.find((c) => c.type === "Available")).toMatchObject({
    status: "True",
    reason: "MinimumReplicasAvailable",
  });
  expect(d.status?.conditions?.find((c) => c.type === "Progressing")?.message).toBe(
    `ReplicaSet "hello-${hash}" has successfully progressed.`,
  );
  expect(await events("hello", "ScalingReplicaSet")).toEqual([
    `Scaled up replica set hello-${hash} from 0 to 3`,
  ]);
  const pods = await cp.client.list<{ items: Pod[] }>("/api/v1/namespaces/default/pods", {
    labelSelector: "app=hello",
  });
  expect(pods.items.every((p) => p.metadata?.labels?.["pod-template-hash"] === hash)).toBe(true);
}, 30_000);

test("kubectl set image + rollout status: the new ReplicaSet takes over, the old one ends at 0", async () => {
  const [old] = await replicaSetsOf("hello");
  const set = await kubectl(["set", "image", "deployment/hello", "hello=hello-world"]);
  expect(set.stderr).toBe("");
  expect(set.stdout).toBe("deployment.apps/hello image updated\n");
  const status = await kubectl(["rollout", "status", "deployment/hello", "--timeout=60s"], {
    timeoutMs: 70_000,
  });
  expect(status.stderr).toBe("");
  expect(status.code).toBe(0);
  expect(status.stdout).toEndWith('deployment "hello" successfully rolled out\n');
  if (process.env.KT_DEBUG) console.error(status.stdout);
  for (const line of status.stdout.trim().split("\n").slice(0, -1))
    expect(line).toMatch(
      /^Waiting for deployment "hello" rollout to finish: (\d+ out of 3 new replicas have been updated|\d+ old replicas are pending termination|\d+ of 3 updated replicas are available)\.\.\.$/,
    );
  const d = await rolledOut("hello", 3);
  const sets = await replicaSetsOf("hello");
  expect(
    sets.map((rs) => [rs.metadata?.name, rs.spec?.replicas, rs.metadata?.annotations?.[REVISION]]),
  ).toEqual([
    [old?.metadata?.name, 0, "1"],
    [expect.stringMatching(/^hello-/), 3, "2"],
  ]);
  expect(d.metadata?.annotations?.[REVISION]).toBe("2");
  const scaling = await events("hello", "ScalingReplicaSet");
  expect(scaling.some((m) => /^Scaled down replica set hello-\w+ from \d+ to 0$/.test(m))).toBe(true);
  const rs = await kubectl(["get", "rs", "-l", "app=hello", "--no-headers"]);
  expect(rs.stdout.trim().split("\n")).toHaveLength(2);
}, 30_000);

test("kubectl rollout undo: the old ReplicaSet is scaled back up and gets revision 3", async () => {
  const [first, second] = await replicaSetsOf("hello");
  const undo = await kubectl(["rollout", "undo", "deployment/hello"]);
  expect(undo.stderr).toBe("");
  expect(undo.stdout).toBe("deployment.apps/hello rolled back\n");
  await cp.until("first RS back at revision 3", async () => {
    const rs = await cp.client.get<ReplicaSet>(`${RS}/${first?.metadata?.name}`);
    return rs.metadata?.annotations?.[REVISION] === "3" && rs.spec?.replicas === 3 ? rs : undefined;
  });
  const d = await rolledOut("hello", 3);
  expect(d.spec?.template.spec?.containers[0]?.image).toBe("hello");
  expect(d.metadata?.annotations?.[REVISION]).toBe("3");
  const again = await cp.client.get<ReplicaSet>(`${RS}/${first?.metadata?.name}`);
  expect(again.metadata?.annotations?.["deployment.kubernetes.io/revision-history"]).toBe("1");
  const latest = await cp.client.get<ReplicaSet>(`${RS}/${second?.metadata?.name}`);
  expect(latest.spec?.replicas).toBe(0);
  expect((await replicaSetsOf("hello")).length).toBe(2);
  const history = await kubectl(["rollout", "history", "deployment/hello"]);
  expect(history.stderr).toBe("");
  expect(history.stdout.replace(/ +/g, " ")).toContain("REVISION CHANGE-CAUSE\n2 <none>\n3 <none>\n");
}, 30_000);

test("kubectl rollout pause holds a template change; resume rolls it out", async () => {
  expect((await kubectl(["rollout", "pause", "deployment/hello"])).stdout).toBe(
    "deployment.apps/hello paused\n",
  );
  await kubectl(["set", "image", "deployment/hello", "hello=hello-world"]);
  const paused = await cp.until("paused condition", async () => {
    const d = await cp.client.get<Deployment>(`${DEPLOY}/hello`);
    const c = d.status?.conditions?.find((x) => x.type === "Progressing");
    return c?.reason === "DeploymentPaused" && d.status?.observedGeneration === d.metadata?.generation
      ? d
      : undefined;
  });
  expect(paused.status?.updatedReplicas).toBe(0);
  expect((await replicaSetsOf("hello")).filter((rs) => rs.spec?.replicas)).toHaveLength(1);
  expect((await kubectl(["rollout", "resume", "deployment/hello"])).stdout).toBe(
    "deployment.apps/hello resumed\n",
  );
  const status = await kubectl(["rollout", "status", "deployment/hello", "--timeout=60s"], {
    timeoutMs: 70_000,
  });
  expect(status.code).toBe(0);
  const d = await rolledOut("hello", 3);
  expect(d.metadata?.annotations?.[REVISION]).toBe("4");
}, 30_000);

test("kubectl scale resizes the active ReplicaSet; rollout restart makes a new one", async () => {
  expect((await kubectl(["scale", "deployment/hello", "--replicas=5"])).stdout).toBe(
    "deployment.apps/hello scaled\n",
  );
  await rolledOut("hello", 5);
  const active = (await replicaSetsOf("hello")).filter((rs) => rs.spec?.replicas);
  expect(active.map((rs) => rs.spec?.replicas)).toEqual([5]);
  expect(active[0]?.metadata?.annotations?.["deployment.kubernetes.io/desired-replicas"]).toBe("5");
  expect((await kubectl(["rollout", "restart", "deployment/hello"])).stdout).toBe(
    "deployment.apps/hello restarted\n",
  );
  const status = await kubectl(["rollout", "status", "deployment/hello", "--timeout=60s"], {
    timeoutMs: 70_000,
  });
  expect(status.code).toBe(0);
  const d = await rolledOut("hello", 5);
  expect(d.metadata?.annotations?.[REVISION]).toBe("5");
}, 30_000);

test("Recreate scales the old ReplicaSet to 0 before the new one is created", async () => {
  await cp.client.create(DEPLOY, deployment("rec", 2, { strategy: { type: "Recreate" } }));
  await rolledOut("rec", 2);
  await cp.client.patch(`${DEPLOY}/rec`, {
    spec: { template: { spec: { containers: [{ name: "rec", image: "hello-world" }] } } },
  });
  await cp.until("rec revision 2", async () => {
    const d = await rolledOut("rec", 2);
    return d.metadata?.annotations?.[REVISION] === "2" ? d : undefined;
  });
  const sets = await replicaSetsOf("rec");
  expect(sets.map((rs) => rs.spec?.replicas)).toEqual([0, 2]);
  const scaling = await events("rec", "ScalingReplicaSet");
  expect(scaling).toHaveLength(3);
  expect(scaling[1]).toMatch(/^Scaled down replica set rec-\w+ from 2 to 0$/);
  expect(scaling[2]).toMatch(/^Scaled up replica set rec-\w+ from 0 to 2$/);
}, 30_000);

test("revisionHistoryLimit deletes the oldest empty ReplicaSets", async () => {
  await cp.client.create(DEPLOY, deployment("lim", 1, { revisionHistoryLimit: 1 }));
  await rolledOut("lim", 1);
  for (const image of ["nginx", "pause"]) {
    await cp.client.patch(`${DEPLOY}/lim`, {
      spec: { template: { spec: { containers: [{ name: "lim", image }] } } },
    });
    await cp.until(`lim on ${image}`, async () => {
      const d = await rolledOut("lim", 1);
      return d.spec?.template.spec?.containers[0]?.image === image ? d : undefined;
    });
  }
  const sets = await cp.until("one old ReplicaSet kept", async () => {
    const list = await replicaSetsOf("lim");
    return list.length === 2 ? list : undefined;
  });
  expect(sets.map((rs) => rs.metadata?.annotations?.[REVISION])).toEqual(["2", "3"]);
}, 30_000);

test("no progress within progressDeadlineSeconds: ProgressDeadlineExceeded, and kubectl rollout status fails", async () => {
  const stuck = deployment("stuck", 1, { progressDeadlineSeconds: 1 });
  stuck.spec.template.spec.containers[0] = { name: "stuck", image: "kt-no-such-image" };
  await cp.client.create(DEPLOY, stuck);
  const d = await cp.until("deadline exceeded", async () => {
    const d = await cp.client.get<Deployment>(`${DEPLOY}/stuck`);
    const c = d.status?.conditions?.find((x) => x.type === "Progressing");
    return c?.reason === "ProgressDeadlineExceeded" ? d : undefined;
  });
  const progressing = d.status?.conditions?.find((x) => x.type === "Progressing");
  expect(progressing?.status).toBe("False");
  expect(progressing?.message).toMatch(/^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
  expect(d.status?.conditions?.find((x) => x.type === "Available")?.status).toBe("False");
  expect(d.status?.unavailableReplicas).toBe(1);
  const status = await kubectl(["rollout", "status", "deployment/stuck", "--timeout=20s"]);
  expect(status.code).toBe(1);
  expect(status.stderr).toBe('error: deployment "stuck" exceeded its progress deadline\n');
}, 30_000);

test("minReadySeconds: a ready pod counts as available only after that long", async () => {
  await cp.client.create(DEPLOY, deployment("slow", 1, { minReadySeconds: 2 }));
  const ready = await cp.until("ready, not yet available", async () => {
    const d = await cp.client.get<Deployment>(`${DEPLOY}/slow`);
    return d.status?.readyReplicas === 1 ? d : undefined;
  });
  const readyAt = Date.now();
  expect(ready.status?.availableReplicas ?? 0).toBe(0);
  await rolledOut("slow", 1);
  expect(Date.now() - readyAt).toBeGreaterThan(900);
}, 30_000);
