// The dashboard against a real in-process apiserver (insecure port, so every request is the
// insecure port's admin): pages render from the API, forms apply through it, and the API's
// Status message comes back on bad input with nothing applied.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KV } from "../../storage/kv.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { type Apiserver, startApiserver } from "../apiserver/server.ts";
import { createDashboard } from "./dashboard.ts";

let dir: string;
let kv: KV;
let api: Apiserver;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-dashboard-"));
  kv = await openSqliteKV({ dataDir: dir });
  const dashboard = createDashboard();
  api = await startApiserver({
    kv,
    bindAddress: "127.0.0.1",
    port: 0,
    compactionIntervalMs: 0,
    extraRoutes: [{ prefix: "/ui", public: true, handler: dashboard }],
  });
  base = api.url as string;
});

afterAll(async () => {
  await api?.stop();
  await kv?.close();
  rmSync(dir, { recursive: true, force: true });
});

const form = (fields: Record<string, string>) => ({
  method: "POST",
  redirect: "manual" as const,
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

test("/ui redirects to /ui/ and the overview renders from the API", async () => {
  const r = await fetch(`${base}/ui`, { redirect: "manual" });
  expect(r.status).toBe(301);
  expect(r.headers.get("location")).toBe("/ui/");
  const page = await (await fetch(`${base}/ui/`)).text();
  expect(page).toContain("<h1>Overview");
  expect(page).toContain('data-watch="/api/v1/pods"');
  const src = /src="(\/ui\/static\/[0-9a-z]+\/app.js)"/.exec(page)?.[1];
  expect(src).toBeDefined();
  const js = await fetch(`${base}${src}`);
  expect(js.headers.get("content-type")).toContain("javascript");
});

test("create from YAML, see it listed, edit it, and a stale resourceVersion is the API's 409", async () => {
  const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm1\ndata:\n  a: one\n";
  const made = await fetch(`${base}/ui/new?ns=default`, form({ yaml }));
  expect(made.status).toBe(200);
  expect(await made.text()).toContain("created: configmaps/cm1");
  const list = await (await fetch(`${base}/ui/r/core/v1/configmaps?ns=default`)).text();
  expect(list).toContain(">cm1</a>");
  const cm = (await (await fetch(`${base}/api/v1/namespaces/default/configmaps/cm1`)).json()) as {
    metadata: { resourceVersion: string };
  };
  const edited = yaml
    .replace("one", "two")
    .replace("name: cm1", `name: cm1\n  resourceVersion: "${cm.metadata.resourceVersion}"`);
  const ok = await fetch(
    `${base}/ui/edit/core/v1/configmaps/default/cm1`,
    form({ yaml: edited, mode: "update" }),
  );
  expect(ok.status).toBe(303);
  const stale = await fetch(
    `${base}/ui/edit/core/v1/configmaps/default/cm1`,
    form({ yaml: edited.replace("two", "three"), mode: "update" }),
  );
  expect(stale.status).toBe(409);
  expect(await stale.text()).toContain(
    "the object has been modified; please apply your changes to the latest version and try again",
  );
  const now = (await (await fetch(`${base}/api/v1/namespaces/default/configmaps/cm1`)).json()) as {
    data: { a: string };
  };
  expect(now.data.a).toBe("two");
});

test("bad input shows the message and applies nothing", async () => {
  const bad = await fetch(
    `${base}/ui/edit/core/v1/configmaps/default/cm1`,
    form({ yaml: "data: [unclosed", mode: "update" }),
  );
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain('class="error"');
  const unknown = await fetch(
    `${base}/ui/new?ns=default`,
    form({ yaml: "apiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: x\n" }),
  );
  expect(unknown.status).toBe(400);
  expect(await unknown.text()).toContain(
    "no matches for kind &quot;Frobnicator&quot; in version &quot;v1&quot;",
  );
  // Two documents, the second invalid: the first is not created either (dry run first).
  const two =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n";
  const r = await fetch(`${base}/ui/new?ns=default`, form({ yaml: two }));
  expect(r.status).toBe(422);
  expect((await fetch(`${base}/api/v1/namespaces/default/configmaps/cm2`)).status).toBe(404);
});

test("scale a Deployment from the UI and the API sees the new replicas", async () => {
  const dep = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      },
    },
  };
  const c = await fetch(`${base}/apis/apps/v1/namespaces/default/deployments`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(dep),
  });
  expect(c.status).toBe(201);
  const page = await (await fetch(`${base}/ui/r/apps/v1/deployments/default/web`)).text();
  expect(page).toContain('id="objname">web<');
  const fields = { group: "apps", version: "v1", resource: "deployments", namespace: "default", name: "web" };
  const scaled = await fetch(`${base}/ui/action/scale`, form({ ...fields, replicas: "3" }));
  expect(scaled.status).toBe(303);
  const now = (await (await fetch(`${base}/apis/apps/v1/namespaces/default/deployments/web`)).json()) as {
    spec: { replicas: number };
  };
  expect(now.spec.replicas).toBe(3);
  const bad = await fetch(`${base}/ui/action/scale`, form({ ...fields, replicas: "-1" }));
  expect(bad.status).toBe(422);
  const gone = await fetch(`${base}/ui/action/delete`, form({ ...fields, propagationPolicy: "Foreground" }));
  expect(gone.status).toBe(303);
  expect(gone.headers.get("location")).toBe("/ui/r/apps/v1/deployments?ns=default");
});

test("a cross-site form post is refused", async () => {
  const r = await fetch(`${base}/ui/action/delete`, {
    ...form({ resource: "configmaps", namespace: "default", name: "cm1" }),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
  });
  expect(r.status).toBe(403);
  expect((await fetch(`${base}/api/v1/namespaces/default/configmaps/cm1`)).status).toBe(200);
});

test("metrics quantities print as kubectl top does", async () => {
  const { cpu, memory } = await import("./views/overview.ts");
  expect(cpu("1965811966n")).toBe("1966m");
  expect(cpu("250m")).toBe("250m");
  expect(cpu("2")).toBe("2000m");
  expect(memory("2919840Ki")).toBe("2851Mi");
  expect(memory("weird")).toBe("weird");
});

test("Secret values stay hidden until asked; rollout undo without history is refused; cordon sets unschedulable", async () => {
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s1" },
    data: { password: btoa("hunter2") },
  };
  await fetch(`${base}/api/v1/namespaces/default/secrets`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(secret),
  });
  const hidden = await (await fetch(`${base}/ui/r/core/v1/secrets/default/s1`)).text();
  expect(hidden).not.toContain("hunter2");
  expect(hidden).not.toContain(btoa("hunter2"));
  expect(hidden).toContain("7 bytes, hidden");
  expect(await (await fetch(`${base}/ui/r/core/v1/secrets/default/s1?reveal=1`)).text()).toContain("hunter2");
  const dep = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "solo" },
    spec: {
      selector: { matchLabels: { app: "solo" } },
      template: {
        metadata: { labels: { app: "solo" } },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      },
    },
  };
  await fetch(`${base}/apis/apps/v1/namespaces/default/deployments`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(dep),
  });
  const undo = await fetch(
    `${base}/ui/action/undo`,
    form({ group: "apps", version: "v1", resource: "deployments", namespace: "default", name: "solo" }),
  );
  expect(undo.status).toBe(400);
  expect(await undo.text()).toContain("no rollout history found for deployment &quot;solo&quot;");
  await fetch(`${base}/api/v1/nodes`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ metadata: { name: "kt-n1" } }),
  });
  const cordon = await fetch(
    `${base}/ui/action/cordon`,
    form({ version: "v1", resource: "nodes", name: "kt-n1" }),
  );
  expect(cordon.status).toBe(303);
  const node = (await (await fetch(`${base}/api/v1/nodes/kt-n1`)).json()) as {
    spec: { unschedulable?: boolean };
  };
  expect(node.spec.unschedulable).toBe(true);
});

test("server-side apply from the editor: a conflict shows the API's message and applies nothing; force takes the field", async () => {
  const cm = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "ssa1", namespace: "default" },
    data: { a: "1" },
  };
  const made = await fetch(`${base}/api/v1/namespaces/default/configmaps?fieldManager=kt-other`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(cm),
  });
  expect(made.status).toBe(201);
  const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa1\ndata:\n  a: two\n";
  const path = `${base}/ui/edit/core/v1/configmaps/default/ssa1`;
  const conflict = await fetch(path, form({ yaml, mode: "apply" }));
  expect(conflict.status).toBe(409);
  const page = await conflict.text();
  expect(page).toContain("Apply failed with 1 conflict: conflict with &quot;kt-other&quot;");
  expect(page).toContain(".data.a");
  // The form comes back with the text as typed, for the editor to show again.
  expect(page).toContain("a: two\n</textarea>");
  const get = async () =>
    (
      (await (await fetch(`${base}/api/v1/namespaces/default/configmaps/ssa1`)).json()) as {
        data: { a: string };
      }
    ).data.a;
  expect(await get()).toBe("1");
  const forced = await fetch(path, form({ yaml, mode: "apply", force: "true" }));
  expect(forced.status).toBe(303);
  expect(await get()).toBe("two");
  // YAML the API cannot read: its message, nothing changed.
  const bad = await fetch(path, form({ yaml: "data: [unclosed", mode: "update" }));
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain('<div class="error" role="alert">error converting YAML to JSON: ');
  expect(await get()).toBe("two");
});
