// The garbage collector, namespace and serviceaccount controllers against a real apiserver and
// two fake-runtime kubelets (pods bound round-robin): cascading deletes with hand-made
// Deployment -> ReplicaSet -> Pod ownerReferences (background, foreground, orphan, via kubectl),
// namespace deletion of pods, configmaps, services and custom resources, the default account.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Namespace, Pod, ServiceAccount } from "kubernetes-types/core/v1";
import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import { garbageCollectorController } from "../../components/controller-manager/garbagecollector/garbage-collector.ts";
import { namespaceController } from "../../components/controller-manager/namespace/namespace-controller.ts";
import { serviceAccountsController } from "../../components/controller-manager/serviceaccount/serviceaccounts-controller.ts";
import { isStatus } from "../../lib/client/api-client.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../harness/kubectl.ts";

let cp: ControlPlane;
let kubectl: Kubectl | undefined;

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-n1", "kt-n2"],
    controllers: [garbageCollectorController, namespaceController, serviceAccountsController],
    binder: true,
  });
  if (kubectlBinary()) kubectl = kubectlFor(cp.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await cp?.stop();
});

const apps = (ns: string, plural: string) => `/apis/apps/v1/namespaces/${ns}/${plural}`;
const core = (ns: string, plural: string) => `/api/v1/namespaces/${ns}/${plural}`;

const ownerRef = (kind: string, apiVersion: string, meta: ObjectMeta | undefined): OwnerReference => ({
  apiVersion,
  kind,
  name: meta?.name as string,
  uid: meta?.uid as string,
  controller: true,
  blockOwnerDeletion: true,
});

const spec = (app: string) => ({
  replicas: 2,
  selector: { matchLabels: { app } },
  template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: "hello" }] } },
});

/** A Deployment, one ReplicaSet it owns and two pods the ReplicaSet owns, as the controllers would make them. */
async function workload(ns: string, app: string) {
  const deployment = await cp.client.create<Deployment>(apps(ns, "deployments"), {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: app },
    spec: spec(app),
  });
  const rs = await cp.client.create<ReplicaSet>(apps(ns, "replicasets"), {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${app}-abc`,
      ownerReferences: [ownerRef("Deployment", "apps/v1", deployment.metadata)],
    },
    spec: spec(app),
  });
  const pods: Pod[] = [];
  for (const suffix of ["x1", "x2"]) {
    pods.push(
      await cp.client.create<Pod>(core(ns, "pods"), {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: `${app}-abc-${suffix}`,
          labels: { app },
          ownerReferences: [ownerRef("ReplicaSet", "apps/v1", rs.metadata)],
        },
        spec: spec(app).template.spec,
      }),
    );
  }
  await cp.until(`${app} pods running`, async () => {
    const list = await cp.client.list<{ items: Pod[] }>(core(ns, "pods"), { labelSelector: `app=${app}` });
    return list.items.filter((p) => p.status?.phase === "Running").length === 2 ? true : undefined;
  });
  return { deployment, rs, pods };
}

async function exists(path: string): Promise<boolean> {
  try {
    await cp.client.get(path);
    return true;
  } catch (error) {
    if (isStatus(error, 404)) return false;
    throw error;
  }
}

const gone = (what: string, path: string, timeoutMs?: number) =>
  cp.until(what, async () => ((await exists(path)) ? undefined : true), timeoutMs);

test("the default ServiceAccount appears in every namespace and comes back when deleted", async () => {
  await cp.until("default/default SA", () =>
    cp.client.get<ServiceAccount>(core("default", "serviceaccounts/default")),
  );
  await cp.client.create("/api/v1/namespaces", { metadata: { name: "kt-sa" } });
  const sa = await cp.until("kt-sa/default SA", () =>
    cp.client.get<ServiceAccount>(core("kt-sa", "serviceaccounts/default")),
  );
  await cp.client.delete(core("kt-sa", "serviceaccounts/default"));
  const again = await cp.until("kt-sa/default SA recreated", async () => {
    const next = await cp.client.get<ServiceAccount>(core("kt-sa", "serviceaccounts/default"));
    return next.metadata?.uid !== sa.metadata?.uid ? next : undefined;
  });
  expect(again.metadata?.name).toBe("default");
});

test("background: deleting a Deployment removes its ReplicaSet, then the ReplicaSet's pods", async () => {
  const { rs, pods } = await workload("default", "kt-bg");
  await cp.client.delete(apps("default", "deployments/kt-bg"), { propagationPolicy: "Background" });
  await gone("ReplicaSet kt-bg-abc collected", apps("default", `replicasets/${rs.metadata?.name}`));
  for (const pod of pods)
    await gone(`pod ${pod.metadata?.name} collected`, core("default", `pods/${pod.metadata?.name}`));
});

test("foreground: the owner stays, deleting, until its blocking dependents are gone", async () => {
  const { rs, pods } = await workload("default", "kt-fg");
  const rsPath = apps("default", `replicasets/${rs.metadata?.name}`);
  const deleting = await cp.client.delete<ReplicaSet>(rsPath, { propagationPolicy: "Foreground" });
  expect(deleting.metadata?.finalizers).toEqual(["foregroundDeletion"]);
  expect(deleting.metadata?.deletionTimestamp).toBeDefined();
  // The ReplicaSet is removed only once no pod is left: whenever it is seen gone, so are the pods.
  let violations = 0;
  await cp.until("foreground delete done", async () => {
    const rsLeft = await exists(rsPath);
    let podsLeft = 0;
    for (const pod of pods) if (await exists(core("default", `pods/${pod.metadata?.name}`))) podsLeft++;
    if (!rsLeft && podsLeft > 0) violations++;
    return !rsLeft && podsLeft === 0 ? true : undefined;
  });
  expect(violations).toBe(0);
  // The Deployment, its owner, is untouched.
  expect(await exists(apps("default", "deployments/kt-fg"))).toBe(true);
  await cp.client.delete(apps("default", "deployments/kt-fg"));
});

test("orphan: the owner goes, its dependents stay without the reference", async () => {
  const { rs, pods } = await workload("default", "kt-or");
  const rsPath = apps("default", `replicasets/${rs.metadata?.name}`);
  await cp.client.delete(rsPath, { propagationPolicy: "Orphan" });
  await gone("orphaned ReplicaSet removed", rsPath);
  for (const pod of pods) {
    const left = await cp.client.get<Pod>(core("default", `pods/${pod.metadata?.name}`));
    expect(left.metadata?.ownerReferences).toBeUndefined();
    expect(left.metadata?.deletionTimestamp).toBeUndefined();
  }
  await cp.client.delete(apps("default", "deployments/kt-or"));
  for (const pod of pods) await cp.client.delete(core("default", `pods/${pod.metadata?.name}`));
});

test("kubectl delete deployment: background, --cascade=foreground and --cascade=orphan", async () => {
  if (!kubectl) return;
  const bg = await workload("default", "kt-kbg");
  const out = await kubectl(["delete", "deployment", "kt-kbg"]);
  expect(out.stdout.trim()).toBe('deployment.apps "kt-kbg" deleted');
  await gone("kubectl background: RS", apps("default", `replicasets/${bg.rs.metadata?.name}`));
  for (const pod of bg.pods)
    await gone("kubectl background: pod", core("default", `pods/${pod.metadata?.name}`));

  const fg = await workload("default", "kt-kfg");
  const fgOut = await kubectl(["delete", "deployment", "kt-kfg", "--cascade=foreground"]);
  expect(fgOut.code).toBe(0);
  // kubectl waits for the Deployment itself, which foreground deletion keeps until all dependents are gone.
  expect(await exists(apps("default", "deployments/kt-kfg"))).toBe(false);
  expect(await exists(apps("default", `replicasets/${fg.rs.metadata?.name}`))).toBe(false);
  for (const pod of fg.pods) expect(await exists(core("default", `pods/${pod.metadata?.name}`))).toBe(false);

  const or = await workload("default", "kt-kor");
  const orOut = await kubectl(["delete", "deployment", "kt-kor", "--cascade=orphan"]);
  expect(orOut.code).toBe(0);
  await gone("kubectl orphan: deployment", apps("default", "deployments/kt-kor"));
  const rs = await cp.client.get<ReplicaSet>(apps("default", `replicasets/${or.rs.metadata?.name}`));
  expect(rs.metadata?.ownerReferences).toBeUndefined();
  await cp.client.delete(apps("default", `replicasets/${or.rs.metadata?.name}`));
  for (const pod of or.pods)
    await gone("orphan RS's pods collected", core("default", `pods/${pod.metadata?.name}`));
}, 60_000);

const CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.kt.example.com" },
  spec: {
    group: "kt.example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};

/** Creates the Widget CRD once; the widgets collection path of `ns`, once served. */
async function widgetsIn(ns: string): Promise<string> {
  await cp.client
    .create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD)
    .catch((error: unknown) => {
      if (!isStatus(error, 409)) throw error;
    });
  const widgets = `/apis/kt.example.com/v1/namespaces/${ns}/widgets`;
  await cp.until("widgets served", () => cp.client.list(widgets));
  return widgets;
}

test("custom resources are owners and dependents too: ConfigMap -> Widget -> ConfigMap", async () => {
  const widgets = await widgetsIn("default");
  const root = await cp.client.create<{ metadata: ObjectMeta }>(core("default", "configmaps"), {
    metadata: { name: "kt-root" },
  });
  const widget = await cp.client.create<{ metadata: ObjectMeta }>(widgets, {
    apiVersion: "kt.example.com/v1",
    kind: "Widget",
    metadata: { name: "kt-mid", ownerReferences: [ownerRef("ConfigMap", "v1", root.metadata)] },
  });
  await cp.client.create(core("default", "configmaps"), {
    metadata: {
      name: "kt-leaf",
      ownerReferences: [ownerRef("Widget", "kt.example.com/v1", widget.metadata)],
    },
  });
  await cp.client.delete(core("default", "configmaps/kt-root"));
  await gone("widget collected", `${widgets}/kt-mid`);
  await gone("leaf configmap collected", core("default", "configmaps/kt-leaf"));
});

test("a dependent whose owner never existed is collected; one with a live owner too keeps that owner only", async () => {
  const live = await cp.client.create<{ metadata: ObjectMeta }>(core("default", "configmaps"), {
    metadata: { name: "kt-live" },
  });
  const ghost = { name: "kt-ghost", uid: "00000000-0000-0000-0000-000000000001" };
  await cp.client.create(core("default", "configmaps"), {
    metadata: { name: "kt-dangling", ownerReferences: [ownerRef("ConfigMap", "v1", ghost)] },
  });
  await cp.client.create(core("default", "configmaps"), {
    metadata: {
      name: "kt-shared",
      ownerReferences: [ownerRef("ConfigMap", "v1", ghost), ownerRef("ConfigMap", "v1", live.metadata)],
    },
  });
  await gone("dangling dependent collected", core("default", "configmaps/kt-dangling"));
  const shared = await cp.until("ghost reference dropped", async () => {
    const cm = await cp.client.get<{ metadata: ObjectMeta }>(core("default", "configmaps/kt-shared"));
    return cm.metadata.ownerReferences?.length === 1 ? cm : undefined;
  });
  expect(shared.metadata.ownerReferences?.[0]?.uid).toBe(live.metadata.uid as string);
  await cp.client.delete(core("default", "configmaps/kt-live"));
  await gone("shared dependent collected with its last owner", core("default", "configmaps/kt-shared"));
});

test("deleting a namespace deletes pods, configmaps, services and custom resources, then the namespace", async () => {
  const ns = "kt-doomed";
  await cp.client.create("/api/v1/namespaces", { metadata: { name: ns } });
  const widgets = await widgetsIn(ns);
  await cp.client.create(widgets, {
    apiVersion: "kt.example.com/v1",
    kind: "Widget",
    metadata: { name: "w1" },
  });
  await cp.client.create(core(ns, "configmaps"), { metadata: { name: "c1" }, data: { a: "b" } });
  await cp.client.create(core(ns, "configmaps"), {
    metadata: { name: "held", finalizers: ["kt.example.com/hold"] },
  });
  await cp.client.create(core(ns, "services"), {
    metadata: { name: "s1" },
    spec: { ports: [{ port: 80 }], selector: { app: "x" } },
  });
  await workload(ns, "kt-nsw");

  const deleted = await cp.client.delete<Namespace>(`/api/v1/namespaces/${ns}`);
  expect(deleted.status?.phase).toBe("Terminating");
  // Everything goes but the configmap held by a finalizer, which the conditions report.
  const held = await cp.until("only the held configmap remains", async () => {
    const current = await cp.client.get<Namespace>(`/api/v1/namespaces/${ns}`);
    const c = current.status?.conditions?.find((x) => x.type === "NamespaceContentRemaining");
    return c?.message?.endsWith("remaining: configmaps. has 1 resource instances") ? current : undefined;
  });
  const conditions = Object.fromEntries(
    (held.status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}: ${c.message}`]),
  );
  expect(conditions).toEqual({
    NamespaceDeletionDiscoveryFailure: "False ResourcesDiscovered: All resources successfully discovered",
    NamespaceDeletionGroupVersionParsingFailure:
      "False ParsedGroupVersions: All legacy kube types successfully parsed",
    NamespaceDeletionContentFailure:
      "False ContentDeleted: All content successfully deleted, may be waiting on finalization",
    NamespaceContentRemaining:
      "True SomeResourcesRemain: Some resources are remaining: configmaps. has 1 resource instances",
    NamespaceFinalizersRemaining:
      "True SomeFinalizerRemain: Some finalizers are remaining: kt.example.com/hold in 1 resource instances",
  });
  for (const path of [
    `${widgets}/w1`,
    core(ns, "configmaps/c1"),
    core(ns, "services/s1"),
    core(ns, "pods/kt-nsw-abc-x1"),
  ])
    await gone(path, path);
  expect(await exists(`/api/v1/namespaces/${ns}`)).toBe(true);
  await cp.client.patch(core(ns, "configmaps/held"), { metadata: { finalizers: null } });
  await gone(`namespace ${ns}`, `/api/v1/namespaces/${ns}`, 30_000);
}, 60_000);

test("kubectl delete ns returns once the namespace is gone", async () => {
  if (!kubectl) return;
  const ns = "kt-kubectl-ns";
  await cp.client.create("/api/v1/namespaces", { metadata: { name: ns } });
  await workload(ns, "kt-knsw");
  await cp.client.create(core(ns, "configmaps"), { metadata: { name: "c1" } });
  const started = Date.now();
  const out = await kubectl(["delete", "ns", ns], { timeoutMs: 60_000 });
  expect(out.stderr).toBe("");
  expect(out.stdout.trim()).toBe(`namespace "${ns}" deleted`);
  expect(await exists(`/api/v1/namespaces/${ns}`)).toBe(false);
  expect(Date.now() - started).toBeLessThan(30_000);
}, 60_000);
