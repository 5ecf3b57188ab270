// A DELETE of a collection honours the list options as upstream's Store.DeleteCollection does:
// with `limit` it lists one page, deletes only that page and answers it (continue token and
// remainingItemCount included), a later request with the token deletes the next page; without
// a limit everything selected goes. Bad list options are refused before anything is deleted.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestApiserver, type TestApiserver } from "../../harness/apiserver.ts";

let api: TestApiserver;

beforeAll(async () => {
  api = await startTestApiserver();
});

afterAll(async () => {
  await api?.stop();
});

interface List {
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: { metadata: { name: string } }[];
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: List }> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as List };
}

async function seed(namespace: string, count: number, labels: Record<string, string> = {}): Promise<void> {
  await call("POST", "/api/v1/namespaces", { metadata: { name: namespace } });
  for (let i = 0; i < count; i++) {
    const created = await call("POST", `/api/v1/namespaces/${namespace}/configmaps`, {
      metadata: { name: `kt-cm-${i}`, labels },
      data: { i: String(i) },
    });
    expect(created.status).toBe(201);
  }
}

const names = (list: List) => list.items.map((i) => i.metadata.name);

test("limit deletes one page and answers it with the continue token; the token deletes the next", async () => {
  await seed("kt-dc-page", 5);
  const cms = "/api/v1/namespaces/kt-dc-page/configmaps";
  const first = await call("DELETE", `${cms}?limit=2`);
  expect(first.status).toBe(200);
  expect(first.json.kind).toBe("ConfigMapList");
  expect(names(first.json)).toEqual(["kt-cm-0", "kt-cm-1"]);
  expect(first.json.metadata.continue).toBeString();
  expect(first.json.metadata.remainingItemCount).toBe(3);
  expect(names((await call("GET", cms)).json)).toEqual(["kt-cm-2", "kt-cm-3", "kt-cm-4"]);

  const token = encodeURIComponent(first.json.metadata.continue ?? "");
  const second = await call("DELETE", `${cms}?limit=2&continue=${token}`);
  expect(second.status).toBe(200);
  expect(names(second.json)).toEqual(["kt-cm-2", "kt-cm-3"]);
  expect(second.json.metadata.remainingItemCount).toBe(1);
  expect(names((await call("GET", cms)).json)).toEqual(["kt-cm-4"]);

  const rest = await call("DELETE", `${cms}?limit=0`);
  expect(names(rest.json)).toEqual(["kt-cm-4"]);
  expect(rest.json.metadata.continue).toBeUndefined();
  expect((await call("GET", cms)).json.items).toEqual([]);
});

test("limit with a label selector pages over the selected objects only", async () => {
  await seed("kt-dc-sel", 4, { app: "kt" });
  const cms = "/api/v1/namespaces/kt-dc-sel/configmaps";
  await call("POST", cms, { metadata: { name: "kt-keep", labels: { app: "other" } } });
  const page = await call("DELETE", `${cms}?labelSelector=app%3Dkt&limit=3`);
  expect(names(page.json)).toEqual(["kt-cm-0", "kt-cm-1", "kt-cm-2"]);
  expect(page.json.metadata.continue).toBeString();
  expect(names((await call("GET", cms)).json)).toEqual(["kt-cm-3", "kt-keep"]);
});

test("without a limit every selected object goes, and the answer has no continue", async () => {
  await seed("kt-dc-all", 3);
  const cms = "/api/v1/namespaces/kt-dc-all/configmaps";
  const all = await call("DELETE", cms);
  expect(names(all.json)).toEqual(["kt-cm-0", "kt-cm-1", "kt-cm-2"]);
  expect(all.json.metadata.continue).toBeUndefined();
  expect((await call("GET", cms)).json.items).toEqual([]);
});

test("bad list options are refused as a LIST refuses them, and nothing is deleted", async () => {
  await seed("kt-dc-bad", 2);
  const cms = "/api/v1/namespaces/kt-dc-bad/configmaps";
  const refusals: [string, number, string][] = [
    ["limit=-1", 400, 'invalid limit "-1": must be a non-negative integer'],
    ["limit=x", 400, 'invalid limit "x": must be a non-negative integer'],
    [
      "resourceVersionMatch=Exact",
      422,
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    ],
    ["limit=1&continue=bogus", 400, ""],
  ];
  for (const [query, code, message] of refusals) {
    const res = await fetch(`${api.url}${cms}?${query}`, { method: "DELETE" });
    const list = await fetch(`${api.url}${cms}?${query}`);
    expect(res.status).toBe(code);
    const body = await res.text();
    expect(body).toBe(await list.text());
    if (message) expect((JSON.parse(body) as { message: string }).message).toBe(message);
  }
  expect(names((await call("GET", cms)).json)).toEqual(["kt-cm-0", "kt-cm-1"]);
});
