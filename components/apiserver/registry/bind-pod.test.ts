// Binding through the registry: the node is set once with a PodScheduled condition and the
// Binding's annotations; admission sees a create of pods/binding; a dry run writes nothing; a
// second binding, stale preconditions, a missing pod and a bad target get upstream's errors.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { strategyFor } from "../strategies/strategy-table.ts";
import { bindPod } from "./bind-pod.ts";
import type { KObject } from "./object.ts";
import { Registry } from "./registry.ts";
import type { WriteContext } from "./write-context.ts";

let dir: string;
let kv: SqliteKV;
let registry: Registry;
let seen: string[] = [];
const ctx: WriteContext = {
  now: () => new Date("2026-01-02T03:04:05Z"),
  admission: {
    create: async (entry, obj, attrs) => {
      seen.push(
        `${entry.info.plural}/${attrs.subresource} ${obj.kind} ${obj.metadata?.namespace}/${obj.metadata?.name} dryRun=${attrs.dryRun}`,
      );
      if (obj.metadata?.namespace === "terminating")
        throw StatusError.forbidden({ group: "", resource: "pods" }, obj.metadata?.name ?? "", "no");
    },
    update: async () => {},
    deleted: async () => {},
  },
  validateMeta: () => [],
};
const to = (name: string, kind?: string) => ({ target: kind ? { kind, name } : { name } });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  registry = new Registry({ kv, resources: RESOURCES, strategyFor });
  seen = [];
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
  await bindPod(ctx, registry, "ns", "p", to("n1", "Node"));
  const bound = await pods().store.get("ns", "p");
  expect((bound.spec as { nodeName?: string }).nodeName).toBe("n1");
  expect((bound.status as { conditions: unknown[] }).conditions).toEqual([
    { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-02T03:04:05Z" },
  ]);
  expect(await failure(bindPod(ctx, registry, "ns", "p", to("n2")))).toEqual({
    code: 409,
    message: 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"',
  });
});

test("bad targets are 422, a missing pod 404", async () => {
  expect((await failure(bindPod(ctx, registry, "ns", "p", {}))).code).toBe(422);
  expect(await failure(bindPod(ctx, registry, "ns", "p", to("x", "Pod")))).toMatchObject({
    code: 422,
    message: expect.stringContaining('Unsupported value: "Pod": supported values: "Node"'),
  });
  expect(await failure(bindPod(ctx, registry, "ns", "gone", to("n1")))).toEqual({
    code: 404,
    message: 'pods "gone" not found',
  });
});

const pod = (ns: string, name: string, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns },
  spec: {},
  ...extra,
});

test("admission sees a create of pods/binding with the Binding, and may refuse it", async () => {
  await pods().store.create("ns", "p", pod("ns", "p"));
  await pods().store.create("terminating", "q", pod("terminating", "q"));
  await bindPod(ctx, registry, "ns", "p", to("n1"));
  expect((await failure(bindPod(ctx, registry, "terminating", "q", to("n1")))).code).toBe(403);
  expect(seen).toEqual([
    "pods/binding undefined ns/p dryRun=false",
    "pods/binding undefined terminating/q dryRun=false",
  ]);
  expect((await pods().store.get("terminating", "q")).spec).toEqual({});
});

test("a dry run is admitted and checked but writes nothing", async () => {
  await pods().store.create("ns", "p", pod("ns", "p"));
  const before = await pods().store.get("ns", "p");
  await bindPod(ctx, registry, "ns", "p", to("n1"), { dryRun: true });
  expect(await pods().store.get("ns", "p")).toEqual(before);
  expect(seen).toEqual(["pods/binding undefined ns/p dryRun=true"]);
  await bindPod(ctx, registry, "ns", "p", to("n1"));
  expect((await failure(bindPod(ctx, registry, "ns", "p", to("n2"), { dryRun: true }))).code).toBe(409);
});

test("the Binding's uid and resourceVersion are preconditions; its annotations join the pod's", async () => {
  const created = await pods().store.create(
    "ns",
    "p",
    pod("ns", "p", { metadata: { name: "p", uid: "kt-uid-1", annotations: { a: "1" } } }),
  );
  expect(
    await failure(bindPod(ctx, registry, "ns", "p", { metadata: { uid: "other" }, ...to("n1") })),
  ).toEqual({
    code: 409,
    message: `Operation cannot be fulfilled on pods "p": StorageError: invalid object, Code: 4, Key: /registry/pods/ns/p, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: other, UID in object meta: ${created.metadata.uid}`,
  });
  expect(
    (await failure(bindPod(ctx, registry, "ns", "p", { metadata: { resourceVersion: "1" }, ...to("n1") })))
      .message,
  ).toContain("Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ");
  await bindPod(ctx, registry, "ns", "p", {
    metadata: { uid: created.metadata.uid, annotations: { b: "2" } },
    ...to("n1"),
  });
  const bound = await pods().store.get("ns", "p");
  expect(bound.metadata.annotations).toEqual({ a: "1", b: "2" });
  expect((bound.spec as { nodeName?: string }).nodeName).toBe("n1");
});

test("a pod with scheduling gates cannot be bound", async () => {
  await pods().store.create("ns", "g", pod("ns", "g", { spec: { schedulingGates: [{ name: "kt/wait" }] } }));
  expect(await failure(bindPod(ctx, registry, "ns", "g", to("n1")))).toEqual({
    code: 409,
    message: 'Operation cannot be fulfilled on pods/binding "g": pod g has non-empty .spec.schedulingGates',
  });
});
