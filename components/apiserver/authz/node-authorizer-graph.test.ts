// The Node authorizer fed by the real stores: its caches keep pod edges and claim volume names
// (not the objects), and follow bind, unbind, claim binding and delete through the store's watch.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import type { UserInfo } from "../authn/user-info.ts";
import type { KObject } from "../registry/object.ts";
import { type Entry, Registry } from "../registry/registry.ts";
import { storedPrefilter } from "../registry/stored-prefilter.ts";
import { strategyFor } from "../strategies/strategy-table.ts";
import type { Attributes } from "./authorizer.ts";
import { NodeAuthorizer, podEdges } from "./node-authorizer.ts";
import { WatchedObjects } from "./watched-objects.ts";

let dir: string;
let kv: SqliteKV;
let registry: Registry;
let authz: NodeAuthorizer | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-node-authz-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  registry = new Registry({ kv, resources: RESOURCES, strategyFor });
});

afterEach(async () => {
  authz?.stop();
  authz = undefined;
  try {
    await kv.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const node = (name: string): UserInfo => ({ username: `system:node:${name}`, groups: ["system:nodes"] });

function can(user: UserInfo, verb: string, resource: string, name: string, namespace = "ns"): boolean {
  const attrs: Attributes = {
    user,
    verb,
    isResourceRequest: true,
    path: "",
    apiGroup: "",
    apiVersion: "v1",
    namespace,
    resource,
    subresource: "",
    name,
  };
  return authz?.authorize(attrs).decision === "allow";
}

function pod(name: string, nodeName: string | undefined): KObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "ns" },
    spec: {
      nodeName,
      containers: [{ name: "c", image: "i", envFrom: [{ configMapRef: { name: "cm" } }] }],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "claim" } }],
    },
  } as KObject;
}

/** Waits until `check` holds (the caches follow the store's watch). */
async function eventually(check: () => boolean): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error("condition not reached in 5 s");
    await Bun.sleep(5);
  }
}

test("edges follow the store: list, bind, unbind, claim binding and delete", async () => {
  const pods = (registry.lookup("", "v1", "pods") as Entry).store;
  const claims = (registry.lookup("", "v1", "persistentvolumeclaims") as Entry).store;
  await pods.create("ns", "listed", pod("listed", "n1"));
  authz = await NodeAuthorizer.start(registry);
  // From the first list: n1 reads the ConfigMap and the claim; the claim has no volume yet.
  expect(can(node("n1"), "get", "configmaps", "cm")).toBe(true);
  expect(can(node("n1"), "get", "persistentvolumeclaims", "claim")).toBe(true);
  expect(can(node("n1"), "get", "persistentvolumes", "pv1", "")).toBe(false);
  expect(can(node("n2"), "get", "configmaps", "cm")).toBe(false);

  await claims.create("ns", "claim", {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "claim", namespace: "ns" },
    spec: { volumeName: "pv1", accessModes: ["ReadWriteOnce"] },
  } as KObject);
  await eventually(() => can(node("n1"), "get", "persistentvolumes", "pv1", ""));
  expect(can(node("n1"), "get", "persistentvolumes", "pv2", "")).toBe(false);

  // An unbound pod gives nothing; binding it gives its node access.
  await pods.create("ns", "later", pod("later", undefined));
  await pods.update("ns", "later", (cur) => ({ ...pod("later", "n2"), metadata: cur?.metadata }));
  await eventually(() => can(node("n2"), "get", "configmaps", "cm"));

  // The first pod goes: n1 loses access, n2 keeps it.
  await pods.update("ns", "listed", () => undefined);
  await eventually(() => !can(node("n1"), "get", "configmaps", "cm"));
  expect(can(node("n2"), "list", "configmaps", "cm")).toBe(true);
  expect(can(node("n2"), "get", "persistentvolumes", "pv1", "")).toBe(true);
});

test("a cache with a prefilter parses only the objects that pass it (unbound pods are not parsed for the graph)", async () => {
  const pods = (registry.lookup("", "v1", "pods") as Entry).store;
  await pods.create("ns", "listed-unbound", pod("listed-unbound", undefined));
  await pods.create("ns", "listed-bound", pod("listed-bound", "n1"));
  const projected: string[] = [];
  const cache = new WatchedObjects(
    pods,
    undefined,
    undefined,
    (obj) => {
      projected.push(obj.metadata.name ?? "");
      return podEdges(obj);
    },
    storedPrefilter([['"nodeName":"']]),
  );
  await cache.start();
  try {
    await pods.create("ns", "later", pod("later", undefined));
    await pods.update("ns", "later", (cur) => ({ ...pod("later", undefined), metadata: cur?.metadata }));
    await pods.update("ns", "later", (cur) => ({ ...pod("later", "n2"), metadata: cur?.metadata }));
    await eventually(() => cache.get("ns", "later") !== undefined);
    expect(projected).toEqual(["listed-bound", "later"]);
    expect(cache.get("ns", "later")).toEqual({ node: "n2", refs: expect.any(Array) });
    // Its deletion still reaches the cache (the old value names the node).
    await pods.update("ns", "later", () => undefined);
    await eventually(() => cache.get("ns", "later") === undefined);
  } finally {
    cache.stop();
  }
});
