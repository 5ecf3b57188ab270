// NamespaceLifecycle with its watch-fed cache, through the in-process apiserver over a SQLite
// store: a namespace that starts terminating, or goes away, refuses new content at once.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { type Apiserver, startApiserver } from "../server.ts";

let dir: string;
let kv: SqliteKV;
let api: Apiserver;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  api = await startApiserver({ kv, compactionIntervalMs: 0 });
});

afterEach(async () => {
  try {
    await api.stop();
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function call(method: string, path: string, body?: object): Promise<Response> {
  return api.handler(
    new Request(`http://x${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } });

test("creates in an active namespace; a terminating or missing one refuses at once", async () => {
  expect((await call("POST", "/api/v1/namespaces", { metadata: { name: "kt-ns" } })).status).toBe(201);
  for (let i = 0; i < 3; i++) {
    expect((await call("POST", "/api/v1/namespaces/kt-ns/configmaps", configMap(`c${i}`))).status).toBe(201);
  }
  expect((await call("DELETE", "/api/v1/namespaces/kt-ns")).status).toBe(200);
  const refused = await call("POST", "/api/v1/namespaces/kt-ns/configmaps", configMap("late"));
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { message: string }).message).toContain("is being terminated");
  expect((await call("POST", "/api/v1/namespaces/kt-missing/configmaps", configMap("x"))).status).toBe(404);
  // Created again after it went away: active again.
  expect((await call("POST", "/api/v1/namespaces", { metadata: { name: "kt-other" } })).status).toBe(201);
  expect((await call("POST", "/api/v1/namespaces/kt-other/configmaps", configMap("y"))).status).toBe(201);
});
