// The dashboard's embedded assets (content-hashed, long-cached, gzip), its session cookie
// (Secure only over HTTPS), its same-site rule, and the exec websocket route's refusals, against
// a real in-process apiserver on its insecure port.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KV } from "../../storage/kv.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { type Apiserver, startApiserver } from "../apiserver/server.ts";
import { assetOf, assetUrl } from "./client-assets.ts";
import { createDashboard } from "./dashboard.ts";
import { sameOrigin } from "./exec-socket.ts";
import { sessionCookie } from "./session-routes.ts";

let dir: string;
let kv: KV;
let api: Apiserver;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-dashboard-assets-"));
  kv = await openSqliteKV({ dataDir: dir });
  api = await startApiserver({
    kv,
    bindAddress: "127.0.0.1",
    port: 0,
    compactionIntervalMs: 0,
    extraRoutes: [{ prefix: "/ui", public: true, handler: createDashboard() }],
  });
  base = api.url as string;
});

afterAll(async () => {
  await api?.stop();
  await kv?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An HTTP/1.1 request written by hand (fetch will not send an Upgrade): the status line and body. */
async function raw(path: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  let text = "";
  const done = Promise.withResolvers<void>();
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_s, chunk) {
        text += new TextDecoder().decode(chunk);
      },
      close() {
        done.resolve();
      },
      error() {
        done.resolve();
      },
    },
  });
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, "Connection: close"];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  const timer = setTimeout(() => socket.end(), 5000);
  await done.promise;
  clearTimeout(timer);
  return { status: Number(text.split(" ", 2)[1]), text };
}

const UPGRADE = {
  Upgrade: "websocket",
  "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
  "Sec-WebSocket-Version": "13",
  "Sec-WebSocket-Protocol": "v5.channel.k8s.io",
};

test("pages link assets under their content hash; those are cached for good, gzip when accepted", async () => {
  const page = await (await fetch(`${base}/ui/`)).text();
  expect(page).toContain(`src="${assetUrl("/ui", "app.js")}"`);
  const editPage = await (await fetch(`${base}/ui/new`)).text();
  expect(editPage).toContain(`src="${assetUrl("/ui", "editor.js")}"`);
  for (const name of ["terminal.js", "charts.js", "editor.js"] as const) {
    const url = `${base}${assetUrl("/ui", name)}`;
    const gz = await fetch(url, { headers: { "Accept-Encoding": "gzip" }, decompress: false });
    expect(gz.status).toBe(200);
    expect(gz.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const plain = await fetch(url, { headers: { "Accept-Encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    const js = await plain.text();
    expect(js.length).toBeGreaterThan(10_000);
    // The bundle is the package's code, not a pointer to somewhere else.
    expect(js).toContain({ "terminal.js": "xterm", "charts.js": "u-legend", "editor.js": "cm-editor" }[name]);
  }
  // A hash that is not the current one (a page from before an upgrade) is served, not cached.
  const stale = await fetch(`${base}/ui/static/0/app.js`);
  expect(stale.status).toBe(200);
  expect(stale.headers.get("cache-control")).toBe("no-cache");
  expect((await fetch(`${base}/ui/static/0/nope.js`)).status).toBe(404);
  expect(assetOf("nope.js")).toBeUndefined();
});

test("the session cookie is Secure when the browser came over HTTPS, not through kubectl proxy's http", () => {
  const s = { api: fetch, token: undefined, origin: "http://x", prefix: "/ui" };
  const https = sessionCookie(s, new Headers({ Origin: "https://10.0.0.1:6443" }), "t0k", 60);
  expect(https).toBe("kube_dashboard_token=t0k; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
  const proxy = sessionCookie(s, new Headers({ Origin: "http://127.0.0.1:8001" }), "t0k", 60);
  expect(proxy).not.toContain("Secure");
  expect(sessionCookie(s, new Headers(), "", 0)).not.toContain("Secure");
});

test("a login over http sets a cookie that works over http", async () => {
  const r = await fetch(`${base}/ui/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: "token=not-a-real-token",
  });
  // This apiserver has no authenticator, so any token passes the login's SelfSubjectReview.
  expect(r.status).toBe(303);
  const cookie = r.headers.get("set-cookie") ?? "";
  expect(cookie).toStartWith("kube_dashboard_token=not-a-real-token; Path=/ui; HttpOnly");
  expect(cookie).not.toContain("Secure");
  const page = await fetch(`${base}/ui/`, { headers: { Cookie: cookie.split(";")[0] ?? "" } });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("log out");
});

test("same-site: the browser's Sec-Fetch-Site decides (kubectl proxy rewrites Host), else Origin against Host", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  expect(
    sameOrigin(h({ "Sec-Fetch-Site": "same-origin", Origin: "http://127.0.0.1:8001", Host: "10.0.0.1" })),
  ).toBe(true);
  expect(sameOrigin(h({ "Sec-Fetch-Site": "cross-site" }))).toBe(false);
  expect(sameOrigin(h({ "Sec-Fetch-Site": "same-site" }))).toBe(false);
  expect(sameOrigin(h({ Origin: "https://evil.example", Host: "10.0.0.1:6443" }))).toBe(false);
  expect(sameOrigin(h({ Origin: "https://10.0.0.1:6443", Host: "10.0.0.1:6443" }))).toBe(true);
  expect(sameOrigin(h({ Origin: "not a url", Host: "x" }))).toBe(false);
  expect(sameOrigin(h({}))).toBe(true);
});

test("the exec websocket route: another site is refused, only exec and attach upgrade, the API's refusal comes back", async () => {
  const path = "/ui/k8s/api/v1/namespaces/default/pods/nope/exec?command=sh&stdin=true&stdout=true&tty=true";
  const cross = await raw(path, { ...UPGRADE, Origin: "https://evil.example" });
  expect(cross.status).toBe(403);
  expect(cross.text).toContain("cross-site request refused");
  const other = await raw("/ui/k8s/api/v1/namespaces/default/pods/nope/portforward?ports=80", UPGRADE);
  expect(other.status).toBe(400);
  expect(other.text).toContain("only a pod's exec and attach are websockets here");
  const secrets = await raw("/ui/k8s/api/v1/secrets", UPGRADE);
  expect(secrets.status).toBe(400);
  // The API itself answers the upgrade: the pod does not exist.
  const missing = await raw(path, UPGRADE);
  expect(missing.status).toBe(404);
  expect(missing.text).toContain('pods \\"nope\\" not found');
});
