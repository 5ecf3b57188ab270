// The CRD controller writes through the resource store: the cleanup finalizer as a main-resource
// write and the conditions as a status write, both recorded in managedFields as kube-apiserver's;
// a CRD already established is not written again when it changes otherwise.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { startTestApiserver, type TestApiserver } from "../../../test/harness/apiserver.ts";
import { until } from "../../../test/harness/until.ts";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
let api: TestApiserver;
let client: ApiClient;

interface Crd {
  metadata: {
    finalizers?: string[];
    resourceVersion: string;
    managedFields?: { manager: string; operation: string; subresource?: string }[];
  };
  status?: { conditions?: { type: string; status: string }[] };
}

beforeAll(async () => {
  api = await startTestApiserver();
  client = new ApiClient({ server: api.url });
});

afterAll(async () => {
  await api?.stop();
});

const crd = (plural: string, kind: string) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.kt.example.com` },
  spec: {
    group: "kt.example.com",
    scope: "Namespaced",
    names: { plural, singular: plural.slice(0, -1), kind },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
  },
});

const establishedCrd = (name: string) =>
  until(`${name} Established`, async () => {
    const c = await client.get<Crd>(`${CRDS}/${name}`);
    return c.status?.conditions?.some((x) => x.type === "Established" && x.status === "True") ? c : undefined;
  });

test("the finalizer and the status are kube-apiserver's writes; no rewrite after a label change", async () => {
  await client.create(CRDS, crd("gadgets", "Gadget"));
  const got = await establishedCrd("gadgets.kt.example.com");
  expect(got.metadata.finalizers).toEqual(["customresourcecleanup.apiextensions.k8s.io"]);
  const mine = (got.metadata.managedFields ?? []).filter((f) => f.manager === "kube-apiserver");
  expect(mine.map((f) => `${f.operation}/${f.subresource ?? ""}`).sort()).toEqual([
    "Update/",
    "Update/status",
  ]);

  const labelled = await client.patch<Crd>(`${CRDS}/gadgets.kt.example.com`, {
    metadata: { labels: { kt: "x" } },
  });
  // The controller handles watch events in order: once a second CRD is established, the first
  // one's label event was handled, and it must not have written the first CRD again.
  await client.create(CRDS, crd("gizmos", "Gizmo"));
  await establishedCrd("gizmos.kt.example.com");
  const after = await client.get<Crd>(`${CRDS}/gadgets.kt.example.com`);
  expect(after.metadata.resourceVersion).toBe(labelled.metadata.resourceVersion);
});

test("deleting a CRD drops the finalizer through the store and the CRD is gone", async () => {
  await client.create(CRDS, crd("widgets", "Widget"));
  await establishedCrd("widgets.kt.example.com");
  await client.delete(`${CRDS}/widgets.kt.example.com`);
  await until("the CRD gone", async () => {
    const res = await fetch(`${api.url}${CRDS}/widgets.kt.example.com`);
    return res.status === 404 ? true : undefined;
  });
});

test("a deleting CRD waits for instances with finalizers, refusing creates meanwhile", async () => {
  await client.create(CRDS, crd("things", "Thing"));
  await establishedCrd("things.kt.example.com");
  const THINGS = "/apis/kt.example.com/v1/namespaces/default/things";
  const thing = (name: string, finalizers?: string[]) => ({
    apiVersion: "kt.example.com/v1",
    kind: "Thing",
    metadata: finalizers ? { name, finalizers } : { name },
  });
  await client.create(THINGS, thing("held", ["kt.example.com/hold"]));
  await client.create(THINGS, thing("free"));
  await client.delete(`${CRDS}/things.kt.example.com`);
  const terminating = await until("the CRD terminating, the free instance gone", async () => {
    const c = await client.get<Crd>(`${CRDS}/things.kt.example.com`);
    const t = c.status?.conditions?.find((x) => x.type === "Terminating") as
      | { status: string; reason: string; message: string }
      | undefined;
    const free = await fetch(`${api.url}${THINGS}/free`);
    await free.body?.cancel();
    return t && free.status === 404 ? t : undefined;
  });
  expect(terminating).toMatchObject({
    status: "True",
    reason: "InstanceDeletionInProgress",
    message: "CustomResource deletion is in progress",
  });
  const held = await client.get<{ metadata: { deletionTimestamp?: string } }>(`${THINGS}/held`);
  expect(held.metadata.deletionTimestamp).toBeString();
  const refused = await fetch(`${api.url}${THINGS}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(thing("late")),
  });
  expect(refused.status).toBe(405);
  expect(await refused.json()).toMatchObject({
    reason: "MethodNotAllowed",
    message: "create not allowed while custom resource definition is terminating",
    details: { group: "kt.example.com", kind: "things" },
  });

  await client.patch(`${THINGS}/held`, { metadata: { finalizers: null } });
  await until("the CRD gone once its last instance went", async () => {
    const res = await fetch(`${api.url}${CRDS}/things.kt.example.com`);
    await res.body?.cancel();
    return res.status === 404 ? true : undefined;
  });
  const served = await client.get<{ resources: { name: string }[] }>("/apis/kt.example.com/v1");
  expect(served.resources.map((r) => r.name)).not.toContain("things");
});
