// PodSecurity inside the in-process apiserver over a SQLite store (no root needed): enforce is a
// 403 Status, warn and the existing-pods check come back as `Warning: 299` headers on create,
// PUT and PATCH, dry run included; without the option the plugin is off.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteKV, type SqliteKV } from "../../../../storage/sqlite/sqlite-kv.ts";
import { type Apiserver, startApiserver } from "../../server.ts";
import { kubeServerPodSecurityConfig } from "./kube-server-pod-security.ts";

let dir: string | undefined;
let kv: SqliteKV | undefined;
let api: Apiserver | undefined;

async function start(withPodSecurity: boolean): Promise<Apiserver> {
  dir = mkdtempSync(join(tmpdir(), "kt-psa-api-"));
  kv = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  api = await startApiserver({
    kv,
    compactionIntervalMs: 0,
    ...(withPodSecurity ? { podSecurity: kubeServerPodSecurityConfig() } : {}),
  });
  return api;
}

afterEach(async () => {
  try {
    await api?.stop();
    await kv?.close();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

function call(method: string, path: string, body?: object, type = "application/json"): Promise<Response> {
  return (api as Apiserver).handler(
    new Request(`http://x${path}`, {
      method,
      headers: { "Content-Type": type },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

const hostPidPod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { hostPID: true, containers: [{ name: "c", image: "busybox" }] },
});

/** The texts of a response's `Warning: 299 - "..."` headers. */
function warnings(res: Response): string[] {
  const raw = res.headers.get("warning");
  if (!raw) return [];
  return [...raw.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}

test("kube server's defaults through the API: baseline refused in default, kube-system admitted", async () => {
  await start(true);
  const refused = await call("POST", "/api/v1/namespaces/default/pods", hostPidPod("p"));
  expect(refused.status).toBe(403);
  const status = (await refused.json()) as {
    reason: string;
    message: string;
    details: { name: string; kind: string };
  };
  expect(status.reason).toBe("Forbidden");
  expect(status.message).toBe(
    'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)',
  );
  expect(status.details).toEqual({ name: "p", kind: "pods" });
  expect((await call("POST", "/api/v1/namespaces/kube-system/pods", hostPidPod("p"))).status).toBe(201);
});

test("warnings on create, and on PATCH of the namespace naming the pods that violate", async () => {
  await start(true);
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "kt-app" } };
  expect((await call("POST", "/api/v1/namespaces", ns)).status).toBe(201);
  const privileged = { metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } } };
  const relabel = await call(
    "PATCH",
    "/api/v1/namespaces/kt-app",
    privileged,
    "application/merge-patch+json",
  );
  expect(relabel.status).toBe(200);
  expect(warnings(relabel)).toEqual([]);
  const warnLabel = { metadata: { labels: { "pod-security.kubernetes.io/warn": "baseline" } } };
  expect(
    (await call("PATCH", "/api/v1/namespaces/kt-app", warnLabel, "application/merge-patch+json")).status,
  ).toBe(200);
  const created = await call("POST", "/api/v1/namespaces/kt-app/pods", hostPidPod("p"));
  expect(created.status).toBe(201);
  expect(warnings(created)).toEqual([
    'would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)',
  ]);
  const stricter = { metadata: { labels: { "pod-security.kubernetes.io/enforce": "baseline" } } };
  const dryRun = await call(
    "PATCH",
    "/api/v1/namespaces/kt-app?dryRun=All",
    stricter,
    "application/merge-patch+json",
  );
  expect(dryRun.status).toBe(200);
  expect(warnings(dryRun)).toEqual([
    'existing pods in namespace "kt-app" violate the new PodSecurity enforce level "baseline:latest"',
    "p: host namespaces",
  ]);
  const bad = { metadata: { labels: { "pod-security.kubernetes.io/enforce-version": "v1.x" } } };
  const invalid = await call("PATCH", "/api/v1/namespaces/kt-app", bad, "application/merge-patch+json");
  expect(invalid.status).toBe(422);
  expect(((await invalid.json()) as { message: string }).message).toBe(
    'Namespace "kt-app" is invalid: metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "v1.x": must be "latest" or "v1.x"',
  );
});

test("without a configuration the plugin is off", async () => {
  await start(false);
  expect((await call("POST", "/api/v1/namespaces/default/pods", hostPidPod("p"))).status).toBe(201);
  const ns = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "kt-x", labels: { "pod-security.kubernetes.io/enforce": "nope" } },
  };
  expect((await call("POST", "/api/v1/namespaces", ns)).status).toBe(201);
});
