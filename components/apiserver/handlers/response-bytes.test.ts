// Every API document ends as upstream's json.Encoder ends it, with one newline: objects, lists
// (spliced from stored text or encoded), tables and Status errors.
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

async function text(path: string, init: RequestInit = {}): Promise<string> {
  return (await api.handler(new Request(`http://x${path}`, init))).text();
}

test("objects, lists, tables and Status bodies end with exactly one newline", async () => {
  const created = await text("/api/v1/namespaces/default/configmaps", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ metadata: { name: "kt-bytes" }, data: { a: "1" } }),
  });
  const bodies = [
    created,
    await text("/api/v1/namespaces/default/configmaps/kt-bytes"),
    await text("/api/v1/namespaces/default/configmaps"),
    await text("/api/v1/namespaces/default/configmaps?labelSelector=x%3Dy"),
    await text("/api/v1/namespaces/default/configmaps", {
      headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
    }),
    await text("/api/v1/namespaces/default/configmaps/nope"),
  ];
  for (const body of bodies) {
    expect(body.endsWith("}\n")).toBe(true);
    expect(JSON.parse(body)).toBeTruthy();
  }
});
