// The fake API server: paths taken apart, store semantics with upstream's error codes, recorded
// actions, reactors, patches, and informers that list and watch it.
import { expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { ApiClient, isStatus } from "../../../../lib/client/api-client.ts";
import { StatusError } from "../../../../lib/errors/status-error.ts";
import { Informer } from "../../../../lib/informer/informer.ts";
import { parseApiPath } from "./api-path.ts";
import { applyPatch } from "./apply-patch.ts";
import { FakeApi } from "./fake-api.ts";
import { waitFor } from "./wait-for.ts";

const pod = (name: string, labels: Record<string, string> = {}): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "ns", labels },
});

test("paths: core and group, namespaced, cluster-scoped, subresources, namespace finalize", () => {
  expect(parseApiPath("/api/v1/namespaces/ns/pods/a/status")).toMatchObject({
    group: "",
    resource: "pods",
    namespace: "ns",
    name: "a",
    subresource: "status",
    collection: "/api/v1/pods",
    key: "ns/a",
  });
  expect(parseApiPath("/apis/apps/v1/replicasets?watch=true")).toMatchObject({
    group: "apps",
    collection: "/apis/apps/v1/replicasets",
    key: "",
  });
  expect(parseApiPath("/api/v1/nodes/n%201")).toMatchObject({ resource: "nodes", key: "n 1" });
  expect(parseApiPath("/api/v1/namespaces/a")).toMatchObject({ resource: "namespaces", key: "a" });
  expect(parseApiPath("/api/v1/namespaces/a/finalize")).toMatchObject({
    resource: "namespaces",
    name: "a",
    subresource: "finalize",
  });
  expect(() => parseApiPath("/healthz")).toThrow("not an API resource path: /healthz");
});

test("merge patch with ownerReferences merged by uid and $patch: delete", () => {
  const target = { metadata: { labels: { a: "1", b: "2" }, ownerReferences: [{ uid: "x", name: "x" }] } };
  expect(applyPatch(target, { metadata: { labels: { b: null, c: "3" } } })).toEqual({
    metadata: { labels: { a: "1", c: "3" }, ownerReferences: [{ uid: "x", name: "x" }] },
  });
  const added = applyPatch(target, { metadata: { ownerReferences: [{ uid: "y", name: "y" }] } });
  expect(added).toEqual({
    metadata: {
      labels: { a: "1", b: "2" },
      ownerReferences: [
        { uid: "x", name: "x" },
        { uid: "y", name: "y" },
      ],
    },
  });
  const removed = applyPatch(target, { metadata: { ownerReferences: [{ $patch: "delete", uid: "x" }] } });
  expect(removed).toEqual({ metadata: { labels: { a: "1", b: "2" }, ownerReferences: [] } });
});

test("the store answers with upstream's codes and records every action", async () => {
  const api = new FakeApi();
  const client = new ApiClient({ server: "http://kt-fake", fetch: api.fetch });
  api.seed("/api/v1/pods", pod("a"));
  expect((await client.get<Pod>("/api/v1/namespaces/ns/pods/a")).metadata?.uid).toBeTruthy();
  const missing = await client.get("/api/v1/namespaces/ns/pods/zz").catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(StatusError);
  expect((missing as StatusError).status.message).toBe('pods "zz" not found');
  const dup = await client.create("/api/v1/namespaces/ns/pods", pod("a")).catch((e: unknown) => e);
  expect(isStatus(dup, 409)).toBe(true);
  const made = await client.create<Pod>("/api/v1/namespaces/ns/pods", {
    metadata: { generateName: "web-" },
  });
  expect(made.metadata?.name).toMatch(/^web-[0-9a-z]{5}$/);
  expect(made.metadata?.namespace).toBe("ns");
  await client.patch("/api/v1/namespaces/ns/pods/a", { metadata: { labels: { x: "1" } } });
  expect(api.get<Pod>("/api/v1/namespaces/ns/pods/a")?.metadata?.labels).toEqual({ x: "1" });
  await client.delete("/api/v1/namespaces/ns/pods/a");
  expect(api.get("/api/v1/namespaces/ns/pods/a")).toBeUndefined();
  expect(api.actions.map((a) => a.verb)).toEqual(["get", "get", "create", "create", "patch", "delete"]);
  expect(api.writes("pods").map((a) => [a.verb, a.name])).toEqual([
    ["create", ""],
    ["create", ""],
    ["patch", "a"],
    ["delete", "a"],
  ]);
});

test("a reactor makes one verb fail; other verbs still reach the store", async () => {
  const api = new FakeApi();
  const client = new ApiClient({ server: "http://kt-fake", fetch: api.fetch });
  api.react("create", "pods", () => {
    throw StatusError.internal("etcd is down");
  });
  const error = await client.create("/api/v1/namespaces/ns/pods", pod("a")).catch((e: unknown) => e);
  expect(isStatus(error, 500)).toBe(true);
  expect((error as StatusError).message).toContain("etcd is down");
  expect(await client.list<{ items: Pod[] }>("/api/v1/namespaces/ns/pods")).toMatchObject({ items: [] });
});

test("an informer lists the seeded objects and sees apply/remove through its watch", async () => {
  const api = new FakeApi();
  const client = new ApiClient({ server: "http://kt-fake", fetch: api.fetch });
  api.seed("/api/v1/pods", pod("a"));
  const seen: string[] = [];
  const informer = new Informer<Pod>({
    client,
    path: "/api/v1/pods",
    onAdd: (p) => seen.push(`add ${p.metadata?.name}`),
    onUpdate: (_o, p) => seen.push(`update ${p.metadata?.name}`),
    onDelete: (p) => seen.push(`delete ${p.metadata?.name}`),
  });
  informer.start();
  try {
    await informer.synced;
    await waitFor("the watch", () => api.actions.some((a) => a.verb === "watch"));
    api.apply("/api/v1/pods", pod("b"));
    api.apply("/api/v1/pods", pod("b", { v: "2" }));
    api.remove("/api/v1/pods", pod("a"));
    await waitFor("four events", () => seen.length >= 4);
    expect(seen).toEqual(["add a", "add b", "update b", "delete a"]);
    expect(informer.get("ns/b")?.metadata?.labels).toEqual({ v: "2" });
  } finally {
    await informer.stop();
  }
});

test("discovery: /api, /apis, group and resource lists from the resource table; unknown ones 404", async () => {
  const api = new FakeApi();
  const client = new ApiClient({ server: "http://kt-fake", fetch: api.fetch });
  expect(await client.get("/api")).toEqual({ kind: "APIVersions", versions: ["v1"] });
  const groups = await client.get<{ groups: { name: string; preferredVersion: { version: string } }[] }>(
    "/apis",
  );
  expect(groups.groups.find((g) => g.name === "autoscaling")?.preferredVersion.version).toBe("v2");
  expect(groups.groups.some((g) => g.name === "")).toBe(false);
  const core = await client.get<{ groupVersion: string; resources: { name: string; namespaced: boolean }[] }>(
    "/api/v1",
  );
  expect(core.groupVersion).toBe("v1");
  expect(core.resources.find((r) => r.name === "pods")?.namespaced).toBe(true);
  expect(core.resources.some((r) => r.name === "pods/status")).toBe(true);
  expect(await client.get("/apis/apps")).toMatchObject({ kind: "APIGroup", name: "apps" });
  const apps = await client.get<{ resources: { name: string; verbs: string[] }[] }>("/apis/apps/v1");
  expect(apps.resources.find((r) => r.name === "deployments")?.verbs).toContain("deletecollection");
  const missing = await client.get("/apis/example.com/v1").catch((e: unknown) => e);
  expect(isStatus(missing, 404)).toBe(true);
  expect((missing as StatusError).status.message).toBe("the server could not find the requested resource");
  expect(api.actions).toEqual([]);
});

test("a DELETE on a collection is deletecollection, limited to the namespace", async () => {
  const api = new FakeApi();
  const client = new ApiClient({ server: "http://kt-fake", fetch: api.fetch });
  api.seed("/api/v1/pods", pod("a"), pod("b"), { ...pod("c"), metadata: { name: "c", namespace: "other" } });
  const deleted = await client.delete<{ items: Pod[] }>("/api/v1/namespaces/ns/pods");
  expect(deleted.items.map((p) => p.metadata?.name).sort()).toEqual(["a", "b"]);
  expect(api.get("/api/v1/namespaces/ns/pods/a")).toBeUndefined();
  expect(api.get("/api/v1/namespaces/other/pods/c")).toBeDefined();
  expect(api.writes("pods").map((a) => [a.verb, a.namespace])).toEqual([["deletecollection", "ns"]]);
});
