// Binding through the registry: the node is set once with a PodScheduled condition; a second
// binding, a deleting pod, a missing pod and a bad target get upstream's errors.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { strategyFor } from "../strategies/strategy-table.ts";
import { bindPod } from "./bind-pod.ts";
import { Registry } from "./registry.ts";

let dir: string;
let kv: SqliteKV;
let registry: Registry;
const ctx = { now: () => new Date("2026-01-02T03:04:05Z") };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  registry = new Registry({ kv, resources: RESOURCES, strategyFor });
});

afterEach(async () => {
  try {
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a StatusError");
}

function pods() {
  const entry = registry.lookup("", "v1", "pods");
  if (!entry) throw new Error("no pods entry");
  return entry;
}

test("binds once, with a PodScheduled condition", async () => {
  await pods().store.create("ns", "p", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns" },
    spec: {},
  });
  await bindPod(ctx, registry, "ns", "p", { kind: "Node", name: "n1" });
  const bound = await pods().store.get("ns", "p");
  expect((bound.spec as { nodeName?: string }).nodeName).toBe("n1");
  expect((bound.status as { conditions: unknown[] }).conditions).toEqual([
    { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-02T03:04:05Z" },
  ]);
  expect(await failure(bindPod(ctx, registry, "ns", "p", { name: "n2" }))).toEqual({
    code: 409,
    message: 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"',
  });
});

test("bad targets are 422, a missing pod 404", async () => {
  expect((await failure(bindPod(ctx, registry, "ns", "p", undefined))).code).toBe(422);
  expect(await failure(bindPod(ctx, registry, "ns", "p", { kind: "Pod", name: "x" }))).toMatchObject({
    code: 422,
    message: expect.stringContaining('Unsupported value: "Pod": supported values: "Node"'),
  });
  expect(await failure(bindPod(ctx, registry, "ns", "gone", { name: "n1" }))).toEqual({
    code: 404,
    message: 'pods "gone" not found',
  });
});
