// Create bodies that are not the URL's kind, through the in-process apiserver: kube-apiserver's
// messages for unreadable bodies, other kinds, unknown kinds and other versions (all 400).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { type Apiserver, startApiserver } from "../server.ts";

let dir: string;
let kv: SqliteKV;
let api: Apiserver;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  api = await startApiserver({ kv, compactionIntervalMs: 0 });
});

afterAll(async () => {
  try {
    await api?.stop();
    await kv?.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function post(
  path: string,
  body: string,
): Promise<{ code: number; reason?: string; message?: string }> {
  const res = await api.handler(
    new Request(`http://x${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body }),
  );
  const status = (await res.json()) as { code: number; reason?: string; message?: string };
  return { code: res.status, reason: status.reason, message: status.message };
}

const bad = (message: string) => ({ code: 400, reason: "BadRequest", message });

test("a body whose kind cannot be read: 'the object provided is unrecognized', Go's reason, a summary", async () => {
  expect(await post("/api/v1/namespaces", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n")).toEqual(
    bad(
      "the object provided is unrecognized (must be of type Namespace): couldn't get version/kind; json parse error: invalid character 'a' looking for beginning of value (61706956657273696f6e3a2076310a6b696e643a20506f640a6d65746164 ...)",
    ),
  );
  expect(await post("/api/v1/namespaces", '{"metadata": {"name": "x"},')).toEqual(
    bad(
      'the object provided is unrecognized (must be of type Namespace): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"metadata": {"name": "x"},)',
    ),
  );
  expect(await post("/api/v1/namespaces", "[1]")).toEqual(
    bad(
      'the object provided is unrecognized (must be of type Namespace): couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b315d)',
    ),
  );
  expect(await post("/api/v1/namespaces", '{"kind":5}')).toEqual(
    bad(
      'the object provided is unrecognized (must be of type Namespace): couldn\'t get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string ({"kind":5})',
    ),
  );
});

test("another registered kind cannot be converted; an unknown one is not registered", async () => {
  expect(
    await post("/api/v1/namespaces", '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}'),
  ).toEqual(
    bad(
      'Pod in version "v1" cannot be handled as a Namespace: converting (v1.Pod) to (core.Namespace): unknown conversion',
    ),
  );
  expect(
    await post(
      "/apis/apps/v1/namespaces/default/deployments",
      '{"kind":"StatefulSet","metadata":{"name":"x"}}',
    ),
  ).toEqual(
    bad(
      'StatefulSet in version "v1" cannot be handled as a Deployment: converting (v1.StatefulSet) to (apps.Deployment): unknown conversion',
    ),
  );
  expect(
    await post("/api/v1/namespaces", '{"apiVersion":"v1","kind":"Foo","metadata":{"name":"x"}}'),
  ).toEqual(
    bad(
      'Foo in version "v1" cannot be handled as a Namespace: no kind "Foo" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    ),
  );
});

test("the same kind in another served version does not match the URL's version", async () => {
  const hpa = '{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"h"}}';
  expect(await post("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", hpa)).toEqual(
    bad(
      "the API version in the data (autoscaling/v1) does not match the expected API version (autoscaling/v2)",
    ),
  );
});

test("a body without kind or apiVersion takes the URL's and is created", async () => {
  expect((await post("/api/v1/namespaces", '{"metadata":{"name":"kt-no-kind"}}')).code).toBe(201);
});

test("PUT decodes as POST does", async () => {
  expect((await post("/api/v1/namespaces", '{"metadata":{"name":"kt-put"}}')).code).toBe(201);
  const res = await api.handler(
    new Request("http://x/api/v1/namespaces/kt-put", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kt-put"}}',
    }),
  );
  expect(res.status).toBe(400);
  expect(((await res.json()) as { message: string }).message).toBe(
    'ConfigMap in version "v1" cannot be handled as a Namespace: converting (v1.ConfigMap) to (core.Namespace): unknown conversion',
  );
});
