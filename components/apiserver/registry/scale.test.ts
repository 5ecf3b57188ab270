// The /scale subresource through the registry: the Scale view of a Deployment, writing replicas
// into the parent (generation bumped), and the errors for stale versions and bad replicas.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { strategyFor } from "../strategies/strategy-table.ts";
import { type Entry, Registry } from "./registry.ts";
import { createResource } from "./resource-store.ts";
import { scaleOf, updateScale } from "./scale.ts";
import type { WriteContext } from "./write-context.ts";

let dir: string;
let kv: SqliteKV;
let deployments: Entry;
const ctx: WriteContext = {
  now: () => new Date("2026-01-02T03:04:05Z"),
  admission: { create: async () => {}, update: async () => {}, deleted: async () => {} },
  validateMeta: () => [],
};
const OPTS = { dryRun: false, manager: "kt-test", subresource: "scale" };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  const registry = new Registry({ kv, resources: RESOURCES, strategyFor });
  deployments = registry.lookup("apps", "v1", "deployments") as Entry;
  await createResource(
    ctx,
    deployments,
    "ns",
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    },
    { ...OPTS, subresource: "" },
  );
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

test("the Scale view and a write of replicas into the parent's spec", async () => {
  const before = await deployments.store.get("ns", "web");
  expect(scaleOf(before, undefined)).toMatchObject({
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    spec: { replicas: 1 },
    status: { replicas: 0, selector: "app=web" },
  });
  const scale = await updateScale(ctx, deployments, "ns", "web", OPTS, (cur) => ({
    ...cur,
    spec: { replicas: 3 },
  }));
  expect(scale.spec.replicas).toBe(3);
  const after = await deployments.store.get("ns", "web");
  expect((after.spec as { replicas: number }).replicas).toBe(3);
  expect(after.metadata.generation).toBe(2);
  // The writer's entry names the subresource, as upstream's managedFields do.
  expect(after.metadata.managedFields?.find((e) => e.subresource === "scale")).toMatchObject({
    manager: "kt-test",
    operation: "Update",
    apiVersion: "apps/v1",
    fieldsV1: { "f:spec": { "f:replicas": {} } },
  });
});

test("a stale resourceVersion is a conflict, negative replicas are invalid, a missing parent 404", async () => {
  const stale = (await failure(
    updateScale(ctx, deployments, "ns", "web", OPTS, (cur) => ({
      ...cur,
      metadata: { ...cur.metadata, resourceVersion: "1" },
      spec: { replicas: 2 },
    })),
  )) as { code: number };
  expect(stale.code).toBe(409);
  expect(
    await failure(
      updateScale(ctx, deployments, "ns", "web", OPTS, (cur) => ({ ...cur, spec: { replicas: -1 } })),
    ),
  ).toMatchObject({
    code: 422,
    message: expect.stringContaining(
      '"web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ),
  });
  expect((await failure(updateScale(ctx, deployments, "ns", "nope", OPTS, (cur) => cur))).code).toBe(404);
  expect(((await deployments.store.get("ns", "web")).spec as { replicas: number }).replicas).toBe(1);
});

test("a dry run answers the Scale it would write and changes nothing", async () => {
  const before = await deployments.store.get("ns", "web");
  const scale = await updateScale(ctx, deployments, "ns", "web", { ...OPTS, dryRun: true }, (cur) => ({
    ...cur,
    spec: { replicas: 9 },
  }));
  expect(scale.spec.replicas).toBe(9);
  const after = await deployments.store.get("ns", "web");
  expect(after).toEqual(before);
  // Errors still come first: a dry run of a bad value is still invalid.
  const bad = await failure(
    updateScale(ctx, deployments, "ns", "web", { ...OPTS, dryRun: true }, (cur) => ({
      ...cur,
      spec: { replicas: -1 },
    })),
  );
  expect(bad.code).toBe(422);
});

test("admission sees an update of deployments/scale with the Scales, dry run or not, and may refuse it", async () => {
  const seen: string[] = [];
  const watching: WriteContext = {
    ...ctx,
    admission: {
      ...ctx.admission,
      update: async (entry, obj, old, attrs) => {
        const replicas = (o: unknown) => (o as { spec: { replicas: number } }).spec.replicas;
        seen.push(
          `${entry.info.plural}/${attrs.subresource} ${obj.kind} ${replicas(old)}->${replicas(obj)} dryRun=${attrs.dryRun} user=${attrs.user?.username}`,
        );
        if (replicas(obj) > 5)
          throw StatusError.forbidden({ group: "apps", resource: "deployments" }, "web", "too many");
      },
    },
  };
  const user = { username: "kt-user", groups: [] };
  await updateScale(watching, deployments, "ns", "web", { ...OPTS, user }, (cur) => ({
    ...cur,
    spec: { replicas: 2 },
  }));
  await updateScale(watching, deployments, "ns", "web", { ...OPTS, dryRun: true, user }, (cur) => ({
    ...cur,
    spec: { replicas: 3 },
  }));
  expect(
    (
      await failure(
        updateScale(watching, deployments, "ns", "web", OPTS, (cur) => ({ ...cur, spec: { replicas: 6 } })),
      )
    ).code,
  ).toBe(403);
  expect(seen).toEqual([
    "deployments/scale Scale 1->2 dryRun=false user=kt-user",
    "deployments/scale Scale 2->3 dryRun=true user=kt-user",
    "deployments/scale Scale 2->6 dryRun=false user=undefined",
  ]);
  expect(((await deployments.store.get("ns", "web")).spec as { replicas: number }).replicas).toBe(2);
});
