// The disruption controller against a real apiserver, the ReplicaSet and Deployment
// controllers and three fake-runtime kubelets: PodDisruptionBudget status for a Deployment of 3
// with minAvailable 2, with maxUnavailable 50% (resolved against the Deployment's scale), and
// for a selector that matches nothing.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { deploymentController } from "../../components/controller-manager/deployment/deployment-descriptor.ts";
import { disruptionController } from "../../components/controller-manager/disruption/disruption-controller.ts";
import { replicaSetController } from "../../components/controller-manager/replicaset/replica-set-descriptor.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane;
const DEPLOY = "/apis/apps/v1/namespaces/default/deployments";
const PDB = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2", "kt-n3"],
    controllers: [replicaSetController, deploymentController, disruptionController],
    binder: true,
  });
  await cp.client.create(DEPLOY, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "hello" }] },
      },
    },
  });
}, 30_000);
afterAll(async () => {
  await cp?.stop();
}, 30_000);

function pdb(name: string, spec: Record<string, unknown>) {
  return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name }, spec };
}

async function statusOf(name: string, want: Record<string, number>): Promise<PodDisruptionBudget> {
  return cp.until(
    `${name} status ${JSON.stringify(want)}`,
    async () => {
      const got = await cp.client.get<PodDisruptionBudget>(`${PDB}/${name}`);
      const s = (got.status ?? {}) as unknown as Record<string, number>;
      return Object.entries(want).every(([k, v]) => s[k] === v) ? got : undefined;
    },
    20_000,
  );
}

test("minAvailable 2 over a Deployment of 3: 3 healthy, 2 desired, 1 disruption allowed", async () => {
  await cp.client.create(PDB, pdb("web-min", { minAvailable: 2, selector: { matchLabels: { app: "web" } } }));
  const got = await statusOf("web-min", {
    currentHealthy: 3,
    desiredHealthy: 2,
    expectedPods: 3,
    disruptionsAllowed: 1,
  });
  expect(got.status?.observedGeneration).toBe(got.metadata?.generation);
  const condition = got.status?.conditions?.find((c) => c.type === "DisruptionAllowed");
  expect(condition?.status).toBe("True");
  expect(condition?.reason).toBe("SufficientPods");
}, 30_000);

test("maxUnavailable 50% resolves against the Deployment's scale (rounded up): 1 desired, 2 allowed", async () => {
  await cp.client.create(
    PDB,
    pdb("web-max", { maxUnavailable: "50%", selector: { matchLabels: { app: "web" } } }),
  );
  await statusOf("web-max", { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 2 });
}, 30_000);

test("scaling the Deployment to 1 leaves minAvailable 2 with InsufficientPods", async () => {
  await cp.client.patch(`${DEPLOY}/web`, { spec: { replicas: 1 } });
  const got = await statusOf("web-min", {
    currentHealthy: 1,
    desiredHealthy: 2,
    expectedPods: 1,
    disruptionsAllowed: 0,
  });
  const condition = got.status?.conditions?.find((c) => c.type === "DisruptionAllowed");
  expect(condition?.status).toBe("False");
  expect(condition?.reason).toBe("InsufficientPods");
  await statusOf("web-max", { currentHealthy: 1, desiredHealthy: 0, expectedPods: 1, disruptionsAllowed: 1 });
}, 30_000);

test("a PDB matching no pods allows nothing", async () => {
  await cp.client.create(
    PDB,
    pdb("nothing", { minAvailable: 0, selector: { matchLabels: { app: "none" } } }),
  );
  const got = await statusOf("nothing", {
    currentHealthy: 0,
    expectedPods: 0,
    disruptionsAllowed: 0,
    observedGeneration: 1,
  });
  expect(got.status?.conditions?.[0]?.reason).toBe("InsufficientPods");
}, 30_000);
