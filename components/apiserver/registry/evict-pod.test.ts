// Eviction through the registry: the budget's status is decremented by a status write through
// the resource store (managedFields name kube-apiserver and the status subresource); a dry run
// checks the budget and writes nothing; a budget that allows nothing is a 429.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import type { StatusError } from "../../../lib/errors/status-error.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { strategyFor } from "../strategies/strategy-table.ts";
import { evictPod } from "./evict-pod.ts";
import { type Entry, Registry } from "./registry.ts";
import { createResource, updateResource } from "./resource-store.ts";
import type { WriteContext } from "./write-context.ts";

let dir: string;
let kv: SqliteKV;
let registry: Registry;
let pods: Entry;
let pdbs: Entry;
let statusWrites: string[];
const OPTS = { dryRun: false, manager: "kt-test", subresource: "" };
let ctx: WriteContext;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  registry = new Registry({ kv, resources: RESOURCES, strategyFor });
  pods = registry.lookup("", "v1", "pods") as Entry;
  pdbs = registry.lookup("policy", "v1", "poddisruptionbudgets") as Entry;
  statusWrites = [];
  ctx = {
    now: () => new Date("2026-01-02T03:04:05Z"),
    admission: {
      create: async () => {},
      update: async (entry, _obj, _old, attrs) => {
        statusWrites.push(`${entry.info.plural}/${attrs.subresource} dryRun=${attrs.dryRun}`);
      },
      deleted: async () => {},
    },
    validateMeta: () => [],
  };
  for (const name of ["a", "b"]) {
    await createResource(
      ctx,
      pods,
      "ns",
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, labels: { app: "web" } },
        spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox" }] },
      },
      OPTS,
    );
    await updateResource(
      ctx,
      pods,
      "ns",
      name,
      { ...OPTS, subresource: "status" },
      async (cur) => ({ update: { ...structuredClone(cur ?? {}), status: { phase: "Running" } } }),
      false,
    );
  }
  await createResource(
    ctx,
    pdbs,
    "ns",
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "web" },
      spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
    },
    OPTS,
  );
  await updateResource(
    ctx,
    pdbs,
    "ns",
    "web",
    { ...OPTS, subresource: "status" },
    async (cur) => ({
      update: {
        ...structuredClone(cur ?? {}),
        status: {
          observedGeneration: 1,
          disruptionsAllowed: 1,
          currentHealthy: 2,
          desiredHealthy: 1,
          expectedPods: 2,
        },
      },
    }),
    false,
  );
  statusWrites = [];
});

afterEach(async () => {
  try {
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a dry run checks the budget and changes nothing", async () => {
  const before = await pdbs.store.get("ns", "web");
  await evictPod(ctx, registry, pods, "ns", "a", { dryRun: ["All"] });
  expect(await pdbs.store.get("ns", "web")).toEqual(before);
  expect(await pods.store.current("ns", "a")).toBeDefined();
  expect(statusWrites).toEqual(["poddisruptionbudgets/status dryRun=true"]);
});

test("an eviction writes the budget's status through the store, then a second is a 429", async () => {
  await evictPod(ctx, registry, pods, "ns", "a", {});
  const after = await pdbs.store.get("ns", "web");
  expect(after.status).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { a: "2026-01-02T03:04:05Z" } });
  expect(after.metadata.managedFields?.find((f) => f.manager === "kube-apiserver")).toMatchObject({
    operation: "Update",
    subresource: "status",
  });
  expect(statusWrites).toEqual(["poddisruptionbudgets/status dryRun=false"]);
  let refused: StatusError | undefined;
  await evictPod(ctx, registry, pods, "ns", "b", {}).catch((err: StatusError) => {
    refused = err;
  });
  expect(refused?.code).toBe(429);
  expect(await pods.store.current("ns", "b")).toBeDefined();
});
