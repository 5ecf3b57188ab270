// The informer against a scripted API (a fetch function): LIST then WATCH into the indexed
// store, indexes following watch events, and the retry delay running on the injected clock.
import { expect, test } from "bun:test";
import { ApiClient } from "../client/api-client.ts";
import { FakeClock } from "../clock/fake-clock.ts";
import { Informer } from "./informer.ts";
import { InformerFactory } from "./informer-factory.ts";

interface Pod {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { nodeName?: string };
}

const pod = (ns: string, name: string, rv: string, nodeName?: string): Pod => ({
  metadata: { name, namespace: ns, resourceVersion: rv },
  spec: { nodeName },
});

/** A fake apiserver: `lists` answers LISTs in turn; WATCH streams what `push` sends. */
function scriptedApi(lists: Array<Response | (() => Response)>) {
  const encoder = new TextEncoder();
  let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  const watching = Promise.withResolvers<void>();
  const requests: string[] = [];
  const client = new ApiClient({
    server: "http://kt-fake",
    fetch: async (request) => {
      const url = new URL(request.url);
      requests.push(`${url.pathname}${url.search}`);
      if (url.searchParams.get("watch") === "true") {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            stream = controller;
            watching.resolve();
          },
        });
        request.signal.addEventListener("abort", () => stream?.error(new Error("aborted")));
        return new Response(body, { status: 200 });
      }
      const next = lists.shift();
      if (!next) throw new Error("unexpected LIST");
      return typeof next === "function" ? next() : next;
    },
  });
  const push = (type: string, object: Pod) =>
    stream?.enqueue(encoder.encode(`${JSON.stringify({ type, object })}\n`));
  return { client, push, watching: watching.promise, requests };
}

const list = (rv: string, items: Pod[]) =>
  new Response(JSON.stringify({ metadata: { resourceVersion: rv }, items }), { status: 200 });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

test("indexes follow the initial list and watch events", async () => {
  const api = scriptedApi([list("10", [pod("a", "p1", "8", "n1"), pod("b", "p2", "9", "n1")])]);
  const informer = new Informer<Pod>({ client: api.client, path: "/api/v1/pods" });
  informer.addIndexers({ node: (p) => (p.spec.nodeName ? [p.spec.nodeName] : []) });
  informer.start();
  try {
    await informer.synced;
    expect(
      informer
        .byIndex("node", "n1")
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(["p1", "p2"]);
    expect(informer.listNamespace("a").map((p) => p.metadata.name)).toEqual(["p1"]);
    await api.watching;
    expect(api.requests.at(-1)).toContain("resourceVersion=10");
    api.push("MODIFIED", pod("a", "p1", "11", "n2"));
    api.push("ADDED", pod("a", "p3", "12"));
    api.push("DELETED", pod("b", "p2", "13", "n1"));
    await until(() => informer.listNamespace("b").length === 0);
    expect(informer.indexKeys("node", "n1")).toEqual([]);
    expect(informer.indexKeys("node", "n2")).toEqual(["a/p1"]);
    expect(
      informer
        .listNamespace("a")
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(["p1", "p3"]);
  } finally {
    await informer.stop();
  }
});

test("after a failed LIST the informer retries when the injected clock says so", async () => {
  const clock = new FakeClock();
  const failure = () =>
    new Response(JSON.stringify({ kind: "Status", code: 500, message: "etcd down" }), { status: 500 });
  const api = scriptedApi([failure, list("3", [pod("a", "p1", "2")])]);
  const lines: string[] = [];
  const informer = new Informer<Pod>({
    client: api.client,
    path: "/api/v1/pods",
    clock,
    retryDelayMs: 30_000,
    log: (line) => lines.push(line),
  });
  informer.start();
  try {
    await until(() => clock.waiterCount === 1);
    expect(lines[0]).toContain("etcd down");
    expect(informer.list()).toEqual([]);
    clock.step(29_999);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(api.requests.length).toBe(1);
    clock.step(1);
    await informer.synced;
    expect(informer.listNamespace("a").length).toBe(1);
  } finally {
    await informer.stop();
  }
});

test("the factory shares one informer per resource, by path or by resource name", async () => {
  const api = scriptedApi([list("1", [])]);
  const factory = new InformerFactory(api.client, () => {});
  try {
    const a = factory.forResource<Pod>("pods");
    expect(factory.for<Pod>("/api/v1/pods")).toBe(a);
    expect(factory.forResource<Pod>("Pod")).toBe(a);
    await factory.synced();
    expect(api.requests[0]).toBe("/api/v1/pods");
  } finally {
    await factory.stop();
  }
});

test("stop() ends an informer whose LIST is never answered (the LIST gets the abort signal)", async () => {
  let listAborted = false;
  const listing = Promise.withResolvers<void>();
  const client = new ApiClient({
    server: "http://kt-fake",
    fetch: (request) =>
      new Promise<Response>((_, reject) => {
        listing.resolve();
        request.signal.addEventListener("abort", () => {
          listAborted = true;
          reject(new Error("aborted"));
        });
      }),
  });
  const informer = new Informer<Pod>({ client, path: "/api/v1/pods" });
  informer.start();
  await listing.promise;
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("hung"), 2000));
  expect(await Promise.race([informer.stop().then(() => "stopped"), timeout])).toBe("stopped");
  expect(listAborted).toBe(true);
});

test("cached objects lose managedFields unless keepManagedFields (TransformStripManagedFields)", async () => {
  const withFields = (name: string, rv: string) => {
    const p = pod("a", name, rv) as Pod & { metadata: { managedFields?: unknown[] } };
    p.metadata.managedFields = [{ manager: "kubectl", operation: "Update" }];
    return p;
  };
  for (const keep of [false, true]) {
    const api = scriptedApi([list("5", [withFields("p1", "4")])]);
    const seen: Pod[] = [];
    const informer = new Informer<Pod>({
      client: api.client,
      path: "/api/v1/pods",
      keepManagedFields: keep,
      onAdd: (p) => seen.push(p),
      onUpdate: (_old, p) => seen.push(p),
    });
    informer.start();
    try {
      await informer.synced;
      await api.watching;
      api.push("MODIFIED", withFields("p1", "6"));
      await until(() => seen.length === 2);
      for (const p of [...seen, ...informer.list()]) expect("managedFields" in p.metadata).toBe(keep);
      expect(informer.get("a/p1")?.metadata).toMatchObject({
        name: "p1",
        namespace: "a",
        resourceVersion: "6",
      });
    } finally {
      await informer.stop();
    }
  }
});
