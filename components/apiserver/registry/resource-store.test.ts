// The resource store without HTTP: create, update and delete with the real strategies over a
// real SQLite store, admission seeing each write (and not seeing dry runs stored), and the
// errors upstream's generic store gives for bad input.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import type { Admission, AdmissionAttributes } from "../admission/admission-interface.ts";
import { strategyFor } from "../strategies/strategy-table.ts";
import type { KObject, Stored } from "./object.ts";
import { type Entry, Registry } from "./registry.ts";
import {
  createResource,
  deleteCollectionResource,
  deleteResource,
  updateResource,
} from "./resource-store.ts";
import type { WriteContext } from "./write-context.ts";

let dir: string;
let kv: SqliteKV;
let configmaps: Entry;
let namespaces: Entry;
let calls: string[];
let ctx: WriteContext;

const NOW = new Date("2026-01-02T03:04:05Z");
const OPTS = { dryRun: false, manager: "kt-test", subresource: "" };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  const registry = new Registry({ kv, resources: RESOURCES, strategyFor });
  configmaps = registry.lookup("", "v1", "configmaps") as Entry;
  namespaces = registry.lookup("", "v1", "namespaces") as Entry;
  calls = [];
  const admission: Admission = {
    create: async (_e, obj, attrs: AdmissionAttributes) => {
      calls.push(`create ${obj.metadata?.name} dryRun=${attrs.dryRun}`);
    },
    update: async (_e, obj, _old, attrs) => {
      calls.push(`update ${obj.metadata?.name} dryRun=${attrs.dryRun}`);
    },
    validateDelete: async (_e, obj, attrs) => {
      calls.push(`validateDelete ${obj.metadata.name} user=${attrs.user?.username}`);
      if (obj.metadata.name === "guarded")
        throw StatusError.forbidden(configmaps.store.qualified, "guarded", "no");
    },
    deleted: async (_e, obj) => {
      calls.push(`deleted ${obj.metadata.name}`);
    },
  };
  ctx = { now: () => NOW, admission, validateMeta: () => [] };
});

afterEach(async () => {
  try {
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function cm(name: string, data: Record<string, string> = {}): KObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data };
}

async function statusOf(
  p: Promise<unknown>,
): Promise<{ code: number; reason: string | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error("expected a StatusError");
}

test("create stores the object with system metadata, managedFields and admission", async () => {
  const created = await createResource(ctx, configmaps, "default", cm("a", { k: "v" }), OPTS);
  expect(created.metadata.namespace).toBe("default");
  expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(created.metadata.creationTimestamp).toBe("2026-01-02T03:04:05Z");
  expect(created.metadata.resourceVersion).toBeDefined();
  expect(created.metadata.managedFields?.[0]?.manager).toBe("kt-test");
  expect(calls).toEqual(["create a dryRun=false"]);
  expect((await configmaps.store.get("default", "a")).data).toEqual({ k: "v" });
});

test("create: a dry run stores nothing, a second create is AlreadyExists, a namespace mismatch is 400", async () => {
  const dry = await createResource(ctx, configmaps, "default", cm("d"), { ...OPTS, dryRun: true });
  expect(dry.metadata.uid).toBeDefined();
  expect(await configmaps.store.current("default", "d")).toBeUndefined();
  await createResource(ctx, configmaps, "default", cm("a"), OPTS);
  expect(await statusOf(createResource(ctx, configmaps, "default", cm("a"), OPTS))).toMatchObject({
    code: 409,
    reason: "AlreadyExists",
    message: 'configmaps "a" already exists',
  });
  const wrongNs = { ...cm("b"), metadata: { name: "b", namespace: "other" } };
  expect(await statusOf(createResource(ctx, configmaps, "default", wrongNs, OPTS))).toMatchObject({
    code: 400,
    message: "the namespace of the provided object does not match the namespace sent on the request",
  });
});

test("update keeps what the server owns, creates through decide, and dry runs store nothing", async () => {
  const first = await createResource(ctx, configmaps, "default", cm("a", { k: "1" }), OPTS);
  const forged = { ...cm("a", { k: "2" }), metadata: { name: "a", uid: "forged", creationTimestamp: "x" } };
  const out = await updateResource(
    ctx,
    configmaps,
    "default",
    "a",
    OPTS,
    async () => ({ update: forged }),
    false,
  );
  expect(out.data).toEqual({ k: "2" });
  expect(out.metadata.uid).toBe(first.metadata.uid);
  expect(out.metadata.creationTimestamp).toBe(first.metadata.creationTimestamp);
  expect(Number(out.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));

  const dry = await updateResource(
    ctx,
    configmaps,
    "default",
    "a",
    { ...OPTS, dryRun: true },
    async () => ({ update: cm("a", { k: "3" }) }),
    false,
  );
  expect(dry.data).toEqual({ k: "3" });
  expect((await configmaps.store.get("default", "a")).data).toEqual({ k: "2" });

  const made = await updateResource(
    ctx,
    configmaps,
    "default",
    "new",
    OPTS,
    async (cur) => (cur ? { update: cm("new") } : { create: cm("new", { made: "yes" }) }),
    false,
  );
  expect(made.data).toEqual({ made: "yes" });
  expect(calls).toEqual([
    "create a dryRun=false",
    "update a dryRun=false",
    "update a dryRun=true",
    "create new dryRun=false",
  ]);
});

test("update: the last finalizer leaving a deleting object deletes it", async () => {
  const obj = { ...cm("f"), metadata: { name: "f", finalizers: ["kt/hold"] } };
  await createResource(ctx, configmaps, "default", obj, OPTS);
  const marked = await deleteResource(ctx, configmaps, "default", "f", {});
  expect(marked.deleted).toBe(false);
  expect(marked.obj.metadata.deletionTimestamp).toBe("2026-01-02T03:04:05Z");
  await updateResource(
    ctx,
    configmaps,
    "default",
    "f",
    OPTS,
    async (cur) => ({
      update: { ...(cur as Stored), metadata: { ...(cur as Stored).metadata, finalizers: [] } },
    }),
    false,
  );
  expect(await configmaps.store.current("default", "f")).toBeUndefined();
  expect(calls.at(-1)).toBe("deleted f");
});

test("delete: preconditions, missing objects, protected namespaces, admission and dry run", async () => {
  const a = await createResource(ctx, configmaps, "default", cm("a"), OPTS);
  expect(
    await statusOf(deleteResource(ctx, configmaps, "default", "a", { preconditions: { uid: "x" } })),
  ).toEqual({
    code: 409,
    reason: "Conflict",
    message: `Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: x, UID in object meta: ${a.metadata.uid}`,
  });
  expect(await statusOf(deleteResource(ctx, configmaps, "default", "nope", {}))).toMatchObject({
    code: 404,
    reason: "NotFound",
    message: 'configmaps "nope" not found',
  });
  expect(await statusOf(deleteResource(ctx, namespaces, "", "kube-system", {}))).toMatchObject({
    code: 403,
    reason: "Forbidden",
  });
  await deleteResource(ctx, configmaps, "default", "a", { dryRun: ["All"] });
  expect(await configmaps.store.current("default", "a")).toBeDefined();

  await createResource(ctx, configmaps, "default", cm("guarded"), OPTS);
  const attrs = { dryRun: false, subresource: "", user: { username: "kt-user", groups: [] } };
  expect((await statusOf(deleteResource(ctx, configmaps, "default", "guarded", {}, attrs))).code).toBe(403);
  expect(await configmaps.store.current("default", "guarded")).toBeDefined();

  calls = [];
  await deleteResource(ctx, configmaps, "default", "a", {}, attrs);
  expect(calls).toEqual(["validateDelete a user=kt-user", "deleted a"]);
  expect(await configmaps.store.current("default", "a")).toBeUndefined();
});

test("delete of a collection deletes what the scope selects and nothing else; a second finds nothing", async () => {
  await createResource(ctx, configmaps, "default", cm("a"), OPTS);
  await createResource(ctx, configmaps, "default", cm("b"), OPTS);
  await createResource(ctx, configmaps, "other", cm("c"), OPTS);
  const result = await deleteCollectionResource(ctx, configmaps, { namespace: "default" }, {});
  expect(result.items.map((o) => o.metadata.name)).toEqual(["a", "b"]);
  expect(Number(result.resourceVersion)).toBeGreaterThan(0);
  expect(await configmaps.store.current("default", "a")).toBeUndefined();
  expect(await configmaps.store.current("other", "c")).toBeDefined();
  const again = await deleteCollectionResource(ctx, configmaps, { namespace: "default" }, {});
  expect(again.items).toEqual([]);
});

test("delete of a collection answers the objects as listed, a held one without its deletionTimestamp", async () => {
  await createResource(
    ctx,
    configmaps,
    "default",
    { ...cm("held"), metadata: { name: "held", finalizers: ["kt/hold"] } },
    OPTS,
  );
  const result = await deleteCollectionResource(ctx, configmaps, { namespace: "default" }, {});
  expect(result.items.map((o) => [o.metadata.name, o.metadata.deletionTimestamp])).toEqual([
    ["held", undefined],
  ]);
  expect((await configmaps.store.current("default", "held"))?.obj.metadata.deletionTimestamp).toBeString();
});

test("a status update replaces status in its place and keeps everything else of the stored object", async () => {
  await createResource(
    ctx,
    namespaces,
    "",
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "s" } },
    OPTS,
  );
  const before = await namespaces.store.get("", "s");
  const status = { phase: "Active", conditions: [{ type: "X", status: "True" }] };
  const updated = await updateResource(
    ctx,
    namespaces,
    "",
    "s",
    { ...OPTS, subresource: "status" },
    async (cur) => ({ update: { ...(cur as Stored), spec: { finalizers: [] }, status } }),
    false,
  );
  expect(updated.status).toEqual(status);
  expect(Object.keys(updated)).toEqual(Object.keys(before));
  expect(updated.spec).toEqual(before.spec); // a status write changes status only
  const stored = await namespaces.store.get("", "s");
  expect(stored.status).toEqual(status);
  expect(stored.metadata.uid).toBe(before.metadata.uid);
});
