// Deployment sync(key) over fake informers and a recording API (upstream deployment_controller_test.go
// and sync_test.go): a new ReplicaSet named by the template hash, scaling an existing one,
// a rolling update that surges the new set, and a deployment selecting everything.
import { afterEach, expect, test } from "bun:test";
import type { Deployment, DeploymentSpec, ReplicaSet } from "kubernetes-types/apps/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { DeploymentController } from "./deployment-controller.ts";
import { computeHash } from "./pod-template-hash.ts";

const D_UID = "d-uid";
let t: TestControllerContext;
afterEach(() => t?.close());

function deployment(spec: Partial<DeploymentSpec> = {}, image = "web:1"): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "ns", uid: D_UID, generation: 1 },
    spec: {
      replicas: 4,
      // As the apiserver stores it: defaulted.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image }] } },
      ...spec,
    },
  };
}

/** The ReplicaSet the controller would have made for `d` at `revision`, with `replicas`. */
function replicaSetOf(d: Deployment, replicas: number, revision: string): ReplicaSet {
  const hash = computeHash(d.spec?.template ?? {}, undefined);
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `web-${hash}`,
      namespace: "ns",
      uid: `rs-${hash}`,
      labels: { app: "web", "pod-template-hash": hash },
      annotations: {
        "deployment.kubernetes.io/revision": revision,
        "deployment.kubernetes.io/desired-replicas": String(replicas),
        "deployment.kubernetes.io/max-replicas": String(replicas + 1),
      },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: D_UID, controller: true },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web", "pod-template-hash": hash } },
      template: {
        metadata: { labels: { app: "web", "pod-template-hash": hash } },
        spec: structuredClone(d.spec?.template?.spec),
      },
    },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
}

async function start(d: Deployment, sets: ReplicaSet[] = []): Promise<DeploymentController> {
  t = testControllerContext();
  t.api.seed("/apis/apps/v1/deployments", d);
  t.api.seed("/apis/apps/v1/replicasets", ...sets);
  const controller = new DeploymentController({
    client: t.client,
    informers: t.informers,
    recorder: t.context.recorder("deployment-controller"),
    log: t.context.log,
    now: t.context.now,
  });
  await controller.start();
  await t.synced();
  return controller;
}

const replicaSetWrites = () =>
  t.api.writes("replicasets").map((a) => [a.verb, a.body as ReplicaSet] as const);

test("a new deployment gets a ReplicaSet named by its template hash, at revision 1, with all replicas", async () => {
  const d = deployment();
  const controller = await start(d);
  await controller.sync("ns/web");
  const creates = replicaSetWrites().filter(([verb]) => verb === "create");
  expect(creates).toHaveLength(1);
  const rs = creates[0]?.[1];
  const hash = computeHash(d.spec?.template ?? {}, undefined);
  expect(rs?.metadata?.name).toBe(`web-${hash}`);
  expect(rs?.metadata?.labels).toEqual({ app: "web", "pod-template-hash": hash });
  expect(rs?.spec?.selector?.matchLabels).toEqual({ app: "web", "pod-template-hash": hash });
  expect(rs?.spec?.replicas).toBe(4);
  expect(rs?.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
  expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: "Deployment",
    uid: D_UID,
    controller: true,
  });
  expect(t.events.map((e) => e.reason)).toContain("ScalingReplicaSet");
  const status = t.api.writes("deployments").filter((a) => a.subresource === "status");
  expect(status.length).toBeGreaterThan(0);
});

test("a scaled deployment scales its current ReplicaSet", async () => {
  const d = deployment({ replicas: 6 });
  const controller = await start(d, [replicaSetOf(deployment(), 4, "1")]);
  await controller.sync("ns/web");
  const updates = replicaSetWrites().filter(([verb]) => verb === "update");
  expect(updates.map(([, rs]) => rs.spec?.replicas)).toEqual([6]);
  expect(updates[0]?.[1].metadata?.annotations?.["deployment.kubernetes.io/desired-replicas"]).toBe("6");
  expect(replicaSetWrites().filter(([verb]) => verb === "create")).toEqual([]);
});

test("a changed template rolls: a new ReplicaSet at revision 2 surging by maxSurge, the old one down by maxUnavailable", async () => {
  const old = replicaSetOf(deployment(), 4, "1");
  const controller = await start(deployment({}, "web:2"), [old]);
  await controller.sync("ns/web");
  const creates = replicaSetWrites().filter(([verb]) => verb === "create");
  expect(creates).toHaveLength(1);
  expect(creates[0]?.[1].spec?.replicas).toBe(1);
  expect(creates[0]?.[1].metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
  // maxUnavailable (25% of 4 = 1): the old set may go down by one at once, keeping 3 available.
  const oldUpdates = replicaSetWrites().filter(
    ([verb, rs]) => verb === "update" && rs.metadata?.name === old.metadata?.name,
  );
  expect(oldUpdates.map(([, rs]) => rs.spec?.replicas)).toEqual([3]);
});

test("a deployment with an empty selector records SelectingAll and writes nothing", async () => {
  const controller = await start(deployment({ selector: {} }));
  await controller.sync("ns/web");
  expect(t.api.writes()).toEqual([]);
  expect(t.events.map((e) => [e.type, e.reason])).toEqual([["Warning", "SelectingAll"]]);
});

test("a deployment that is gone writes nothing", async () => {
  const controller = await start(deployment());
  await controller.sync("ns/other");
  expect(t.api.writes()).toEqual([]);
});
