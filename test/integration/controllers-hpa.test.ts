// The horizontal pod autoscaler controller against a real apiserver, the ReplicaSet and
// Deployment controllers and fake-runtime kubelets (which report no usage, so the test feeds a
// load through an injected metrics source): scale up on high CPU utilization, and down only
// after the (shortened) scale-down stabilization window.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";
import type { Event, Pod } from "kubernetes-types/core/v1";
import type { ControllerDescriptor } from "../../components/controller-manager/controller.ts";
import { deploymentController } from "../../components/controller-manager/deployment/deployment-descriptor.ts";
import { startHorizontalController } from "../../components/controller-manager/podautoscaler/horizontal-controller.ts";
import type {
  MetricsSource,
  PodMetric,
} from "../../components/controller-manager/podautoscaler/metrics-source.ts";
import { replicaSetController } from "../../components/controller-manager/replicaset/replica-set-descriptor.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";

let cp: ControlPlane;
const DEPLOY = "/apis/apps/v1/namespaces/default/deployments";
const HPA = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
const WINDOW_MS = 1500;

/** A load of `totalMilliCores` shared evenly by the running, ready pods. */
let totalMilliCores = 0;
const metrics: MetricsSource = {
  async resourceMetrics(_resource, namespace, labelSelector) {
    const list = await cp.client.list<{ items: Pod[] }>(`/api/v1/namespaces/${namespace}/pods`, {
      labelSelector,
    });
    const running = list.items.filter(
      (p) =>
        p.status?.phase === "Running" &&
        !p.metadata?.deletionTimestamp &&
        p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    const now = new Date();
    const out = new Map<string, PodMetric>();
    for (const p of running) {
      out.set(p.metadata?.name ?? "", {
        value: totalMilliCores / running.length,
        timestamp: now,
        windowMs: 10_000,
      });
    }
    return { metrics: out, timestamp: now };
  },
};
const hpaController: ControllerDescriptor = {
  name: "horizontalpodautoscaling",
  start: (context) =>
    startHorizontalController(context, {
      metrics,
      syncPeriodMs: 100,
      downscaleStabilizationMs: WINDOW_MS,
      cpuInitializationPeriodMs: 0,
    }),
};

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2"],
    controllers: [replicaSetController, deploymentController, hpaController],
    binder: true,
  });
}, 30_000);
afterAll(async () => {
  await cp?.stop();
}, 30_000);

async function replicas(): Promise<number> {
  return (await cp.client.get<Deployment>(`${DEPLOY}/web`)).spec?.replicas ?? -1;
}

async function events(reason: string): Promise<string[]> {
  const list = await cp.client.list<{ items: Event[] }>("/api/v1/namespaces/default/events");
  return list.items
    .filter((e) => e.involvedObject.name === "web" && e.reason === reason)
    .map((e) => e.message ?? "");
}

test("an HPA scales a Deployment up on high CPU utilization and down after the window", async () => {
  totalMilliCores = 200; // one pod requesting 100m at 200% of its request, target 50%
  await cp.client.create(DEPLOY, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "hello", resources: { requests: { cpu: "100m" } } }] },
      },
    },
  });
  await cp.client.create(HPA, {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
      ],
    },
  });
  await cp.until("scaled to 4", async () => ((await replicas()) === 4 ? true : undefined), 20_000);
  // Events are posted after the scale, best-effort: wait for it rather than race it.
  const rescaled = "New size: 4; reason: cpu resource utilization (percentage of request) above target";
  await cp.until("the SuccessfulRescale event", async () =>
    (await events("SuccessfulRescale")).includes(rescaled) ? true : undefined,
  );
  // Four pods share the load at 50% each: the HPA settles at 4.
  const settled = await cp.until(
    "status at 50%",
    async () => {
      const hpa = await cp.client.get<HorizontalPodAutoscaler>(`${HPA}/web`);
      const current = hpa.status?.currentMetrics?.[0]?.resource?.current;
      return hpa.status?.currentReplicas === 4 && current?.averageUtilization === 50 ? hpa : undefined;
    },
    20_000,
  );
  expect(settled.status?.desiredReplicas).toBe(4);
  expect(settled.status?.lastScaleTime).toBeDefined();
  expect(settled.status?.currentMetrics?.[0]?.resource?.current.averageValue).toBe("50m");
  const condition = (type: string) => settled.status?.conditions?.find((c) => c.type === type);
  expect(condition("AbleToScale")?.status).toBe("True");
  expect(condition("ScalingActive")).toMatchObject({ status: "True", reason: "ValidMetricFound" });
  expect(condition("ScalingLimited")).toMatchObject({ status: "False", reason: "DesiredWithinRange" });

  totalMilliCores = 40; // 10% each: the recommendation drops to 1, held at 4 for the window
  const lowered = Date.now();
  const stabilized = await cp.until("ScaleDownStabilized", async () => {
    const hpa = await cp.client.get<HorizontalPodAutoscaler>(`${HPA}/web`);
    const c = hpa.status?.conditions?.find((x) => x.type === "AbleToScale");
    return c?.reason === "ScaleDownStabilized" ? hpa : undefined;
  });
  expect(stabilized.status?.desiredReplicas).toBe(4);
  await cp.until("scaled to 1", async () => ((await replicas()) === 1 ? true : undefined), 20_000);
  // The last recommendation of 4 was made at most one sync period before the load dropped.
  expect(Date.now() - lowered).toBeGreaterThanOrEqual(WINDOW_MS - 200);
  await cp.until("the scale-down event", async () =>
    (await events("SuccessfulRescale")).includes("New size: 1; reason: All metrics below target")
      ? true
      : undefined,
  );
}, 60_000);
