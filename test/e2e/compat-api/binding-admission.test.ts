// pods/binding and pods/eviction as upstream's creates of a subresource: admission runs on them
// (in a terminating namespace NamespaceLifecycle's 403 with the NamespaceTerminating cause that
// kubectl drain tolerates), dryRun=All binds nothing, the Binding must name the URL's pod and
// namespace, and its uid is a precondition.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { startTestApiserver, type TestApiserver } from "../../harness/apiserver.ts";
import { kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

let api: TestApiserver;
let client: ApiClient;

beforeAll(async () => {
  api = await startTestApiserver();
  client = new ApiClient({ server: api.url });
});

afterAll(async () => {
  await api?.stop();
});

interface Pod {
  metadata: { uid: string };
  spec: { nodeName?: string };
}

const podsIn = (ns: string) => `/api/v1/namespaces/${ns}/pods`;

async function createPod(ns: string, name: string): Promise<Pod> {
  return client.create<Pod>(podsIn(ns), {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "c", image: "busybox" }] },
  });
}

async function bind(ns: string, pod: string, body: Record<string, unknown>, query = "") {
  const res = await fetch(`${api.url}${podsIn(ns)}/${pod}/binding${query}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "Binding",
      target: { kind: "Node", name: "kt-n1" },
      ...body,
    }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { reason?: string; message?: string; status?: string },
  };
}

test("a pod in a terminating namespace cannot be bound (NamespaceLifecycle)", async () => {
  await client.create("/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "kt-term" },
  });
  await createPod("kt-term", "p");
  await client.delete("/api/v1/namespaces/kt-term");
  // The namespace lifecycle plugin's cache has seen the deletion once a create is refused.
  await until("creates refused in kt-term", async () => {
    const res = await fetch(`${api.url}/api/v1/namespaces/kt-term/configmaps`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }),
    });
    await res.body?.cancel();
    return res.status === 403 ? true : undefined;
  });
  const res = await bind("kt-term", "p", { metadata: { name: "p" } });
  expect(res.status).toBe(403);
  expect(res.body).toMatchObject({
    reason: "Forbidden",
    message:
      'pods "p" is forbidden: unable to create new content in namespace kt-term because it is being terminated',
    details: {
      name: "p",
      kind: "pods",
      causes: [
        {
          reason: "NamespaceTerminating",
          message: "namespace kt-term is being terminated",
          field: "metadata.namespace",
        },
      ],
    },
  });
  expect((await client.get<Pod>(`${podsIn("kt-term")}/p`)).spec.nodeName).toBeUndefined();

  // An eviction there is refused the same way, and the pod stays.
  const evicted = await fetch(`${api.url}${podsIn("kt-term")}/p/eviction`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "p" } }),
  });
  expect(evicted.status).toBe(403);
  expect(await evicted.json()).toMatchObject({
    details: { causes: [{ reason: "NamespaceTerminating" }] },
  });
  expect((await client.get<Pod>(`${podsIn("kt-term")}/p`)).metadata.uid).toBeString();
});

test("dryRun=All answers Success and binds nothing; then a real binding lands", async () => {
  await createPod("default", "kt-dry");
  const dry = await bind("default", "kt-dry", { metadata: { name: "kt-dry" } }, "?dryRun=All");
  expect([dry.status, dry.body.status]).toEqual([201, "Success"]);
  expect((await client.get<Pod>(`${podsIn("default")}/kt-dry`)).spec.nodeName).toBeUndefined();
  const real = await bind("default", "kt-dry", { metadata: { name: "kt-dry" } });
  expect(real.status).toBe(201);
  expect((await client.get<Pod>(`${podsIn("default")}/kt-dry`)).spec.nodeName).toBe("kt-n1");
});

test("the Binding must name the URL's pod and namespace; a stale uid is a conflict", async () => {
  const pod = await createPod("default", "kt-named");
  expect(await bind("default", "kt-named", { metadata: { name: "other" } })).toEqual({
    status: 400,
    body: expect.objectContaining({ message: "name in URL does not match name in Binding object" }),
  });
  expect(
    await bind("default", "kt-named", { metadata: { name: "kt-named", namespace: "kube-system" } }),
  ).toEqual({
    status: 400,
    body: expect.objectContaining({
      message: "the namespace of the provided object does not match the namespace sent on the request",
    }),
  });
  const stale = await bind("default", "kt-named", { metadata: { name: "kt-named", uid: "kt-old-uid" } });
  expect(stale.status).toBe(409);
  expect(stale.body.message).toContain(
    `Precondition failed: UID in precondition: kt-old-uid, UID in object meta: ${pod.metadata.uid}`,
  );
  const ok = await bind("default", "kt-named", { metadata: { name: "kt-named", uid: pod.metadata.uid } });
  expect(ok.status).toBe(201);
});

test.skipIf(kubectlBinary() === null)(
  "kubectl drain takes the refused eviction in a terminating namespace as upstream's: it retries",
  async () => {
    await client.create("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "kt-drain" } });
    await client.create("/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "kt-drain-ns" },
    });
    await client.create(podsIn("kt-drain-ns"), {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kt-bound" },
      spec: { nodeName: "kt-drain", containers: [{ name: "c", image: "busybox" }] },
    });
    await client.delete("/api/v1/namespaces/kt-drain-ns");
    await until("evictions refused in kt-drain-ns", async () => {
      const res = await fetch(`${api.url}${podsIn("kt-drain-ns")}/kt-bound/eviction`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          apiVersion: "policy/v1",
          kind: "Eviction",
          metadata: { name: "kt-bound", namespace: "kt-drain-ns" },
          deleteOptions: { dryRun: ["All"] },
        }),
      });
      await res.body?.cancel();
      return res.status === 403 ? true : undefined;
    });
    const kubectl = kubectlFor(api.url);
    try {
      const out = await kubectl(["drain", "kt-drain", "--force", "--timeout=2s"]);
      expect(out.code).toBe(1);
      // kubectl recognises the NamespaceTerminating cause and retries until the pod is marked
      // deleted (without the cause it gives up at once with the bare Forbidden).
      expect(out.stderr).toContain(
        'error when evicting pod "kt-bound" from terminating namespace "kt-drain-ns" (will retry after 5s)',
      );
    } finally {
      kubectl.cleanup();
    }
  },
  60_000,
);
