// A whole cluster under modes Node,RBAC with each component as its own identity: every
// controller as system:kube-controller-manager, the scheduler as system:kube-scheduler, a
// fake-runtime kubelet as system:node:<name>. A Deployment behind a Service becomes Running
// pods with endpoints, and no component is refused anything along the way.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startControllerManager } from "../../components/controller-manager/controller-manager.ts";
import { CONTROLLERS } from "../../components/controller-manager/controllers.ts";
import { createImageResolver } from "../../components/kubelet/images/image-resolver.ts";
import { startKubelet } from "../../components/kubelet/kubelet.ts";
import { createFakeRuntime } from "../../components/kubelet/runtime/fake/fake-runtime.ts";
import { startScheduler } from "../../components/scheduler/start-scheduler.ts";
import type { Component } from "../../lib/component.ts";
import { until } from "../harness/until.ts";
import { type AuthzStack, startAuthzStack } from "./authz-stack.ts";

let stack: AuthzStack;
let dir: string;
const components: Component[] = [];
const refusals: string[] = [];
const logTo = (who: string) => (line: string) => {
  // A denial (403 text, NodeRestriction); a 409 "cannot be fulfilled" is a stale cache, retried.
  if (/forbidden|cannot (?!be fulfilled)/i.test(line)) refusals.push(`${who}: ${line}`);
  if (process.env.KT_DEBUG) console.error(`${who}: ${line}`);
};

beforeAll(async () => {
  stack = await startAuthzStack(["Node", "RBAC"]);
  dir = mkdtempSync(join(tmpdir(), "kt-authz-cluster-"));
  const kubelet = await startKubelet({
    nodeName: "kt-w1",
    rootDir: join(dir, "kt-w1"),
    runtime: createFakeRuntime({ podCIDR: "10.244.1.0/24", nodeIP: "127.0.0.1" }),
    images: createImageResolver({ kubeExecutable: ["kube"] }),
    client: stack.clientAs("system:node:kt-w1", ["system:nodes"]),
    kubeletPort: 10250,
    crashLoopBackoffMs: 100,
    dns: { clusterDNS: [], clusterDomain: "cluster.local", hostResolvConf: "/etc/resolv.conf" },
    stopPodsOnExit: true,
    log: logTo("kubelet"),
  });
  components.push(kubelet);
  await kubelet.ready;
  components.push(
    await startControllerManager({
      client: stack.clientAs("system:kube-controller-manager"),
      controllers: CONTROLLERS,
      leaderElect: true,
      options: {
        allocateNodeCIDRs: false,
        nodeMonitorGracePeriodMs: 40_000,
        podEvictionTimeoutMs: 300_000,
        workers: 2,
      },
      log: logTo("controller-manager"),
    }),
  );
  components.push(
    await startScheduler({
      client: stack.clientAs("system:kube-scheduler"),
      leaderElect: true,
      log: logTo("scheduler"),
    }),
  );
});

afterAll(async () => {
  for (const c of components.reverse()) await c.stop();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a Deployment behind a Service runs with every component authorized as itself", async () => {
  const admin = stack.clientAs("root", ["system:masters"]);
  const labels = { app: "kt-web" };
  await admin.create("/apis/apps/v1/namespaces/default/deployments", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "kt-web" },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "pause" }] } },
    },
  });
  await admin.create("/api/v1/namespaces/default/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kt-web" },
    spec: { selector: labels, ports: [{ port: 80 }] },
  });
  type PodList = { items: { status?: { phase?: string }; spec?: { nodeName?: string } }[] };
  await until(
    "two running pods on kt-w1",
    async () => {
      const pods = await admin.list<PodList>("/api/v1/namespaces/default/pods", {
        labelSelector: "app=kt-web",
      });
      const running = pods.items.filter((p) => p.status?.phase === "Running" && p.spec?.nodeName === "kt-w1");
      return running.length === 2 ? true : undefined;
    },
    { timeoutMs: 30_000 },
  );
  await until("endpoints for the service", async () => {
    const ep = await admin.get<{ subsets?: { addresses?: unknown[] }[] }>(
      "/api/v1/namespaces/default/endpoints/kt-web",
    );
    return ep.subsets?.[0]?.addresses?.length === 2 ? true : undefined;
  });
  await until("the node lease", () =>
    admin.getIfExists("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/kt-w1"),
  );
  expect(refusals).toEqual([]);
});
