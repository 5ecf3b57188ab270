// GET with resourceVersion=0 answered from the watch cache (upstream's cacher): the same bytes a
// GET from the store answers, the newest version once the cache has it, a 404 for what is gone,
// and Tables and PartialObjectMetadata as before.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { startTestApiserver, type TestApiserver } from "../../../test/harness/apiserver.ts";
import { until } from "../../../test/harness/until.ts";

let server: TestApiserver;

beforeEach(async () => {
  server = await startTestApiserver();
});

afterEach(() => server.stop());

function call(method: string, path: string, body?: object, headers: Record<string, string> = {}) {
  return server.apiserver.handler(
    new Request(`http://x${path}`, {
      method,
      headers: { "Content-Type": "application/merge-patch+json", ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

const PODS = "/api/v1/namespaces/default/pods";

test("GET ?resourceVersion=0 answers the store's bytes, follows updates and deletes", async () => {
  const created = await call(
    "POST",
    PODS,
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", labels: { a: "b" }, annotations: { q: 'x"y}' } },
      spec: { containers: [{ name: "c", image: "i" }] },
    },
    { "Content-Type": "application/json" },
  );
  expect(created.status).toBe(201);
  const stored = await (await call("GET", `${PODS}/p`)).text();
  // The cache starts on first use: until it holds the pod the store answers (same bytes either way).
  for (let i = 0; i < 3; i++)
    expect(await (await call("GET", `${PODS}/p?resourceVersion=0`)).text()).toBe(stored);
  const patched = await call("PATCH", `${PODS}/p/status`, { status: { phase: "Running" } });
  expect(patched.status).toBe(200);
  const fresh = await (await call("GET", `${PODS}/p`)).text();
  expect(fresh).not.toBe(stored);
  await until("the cache serves the patched pod", async () =>
    (await (await call("GET", `${PODS}/p?resourceVersion=0`)).text()) === fresh ? true : undefined,
  );
  expect(await (await call("GET", `${PODS}/p/status?resourceVersion=0`)).text()).toBe(fresh);
  expect((await call("DELETE", `${PODS}/p?gracePeriodSeconds=0`)).status).toBe(200);
  await until("the deleted pod is a 404", async () =>
    (await call("GET", `${PODS}/p?resourceVersion=0`)).status === 404 ? true : undefined,
  );
});

test("GET ?resourceVersion=0 as a Table or PartialObjectMetadata is served as before", async () => {
  await call(
    "POST",
    "/api/v1/namespaces/default/configmaps",
    { metadata: { name: "c" } },
    {
      "Content-Type": "application/json",
    },
  );
  for (const accept of [
    "application/json;as=Table;g=meta.k8s.io;v=v1",
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
  ]) {
    const plain = (await (
      await call("GET", "/api/v1/namespaces/default/configmaps/c", undefined, { accept })
    ).json()) as { kind: string };
    const cached = (await (
      await call("GET", "/api/v1/namespaces/default/configmaps/c?resourceVersion=0", undefined, { accept })
    ).json()) as { kind: string };
    expect(cached.kind).toBe(accept.includes("Table") ? "Table" : "PartialObjectMetadata");
    expect(cached).toEqual(plain);
  }
});
