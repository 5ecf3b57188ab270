// A lost connection: the apiserver serving the dashboard stops while a list page watches; the
// page says it is reconnecting, and once an apiserver serves the same port and store again it
// says so and shows what changed meanwhile, without a reload.
import { afterAll, beforeAll, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { type Apiserver, startApiserver } from "../../../components/apiserver/server.ts";
import { createDashboard } from "../../../components/dashboard/dashboard.ts";
import type { KV } from "../../../storage/kv.ts";
import { openSqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import {
  haveChromium,
  type IsolatedChromium,
  launchIsolatedChromium,
} from "../../harness/isolated-chromium.ts";

const root = process.getuid?.() === 0;
if (!haveChromium()) console.warn("dashboard reconnect test skipped: /usr/bin/chromium is missing");

let dir: string;
let kv: KV;
let api: Apiserver | undefined;
let chromium: IsolatedChromium | undefined;
let page: Page;
let port = 0;

const serve = async (p: number) =>
  await startApiserver({
    kv,
    bindAddress: "127.0.0.1",
    port: p,
    compactionIntervalMs: 0,
    extraRoutes: [{ prefix: "/ui", public: true, handler: createDashboard() }],
  });

beforeAll(async () => {
  if (!root || !haveChromium()) return;
  dir = mkdtempSync(join(tmpdir(), "kt-dashboard-reconnect-"));
  kv = await openSqliteKV({ dataDir: dir });
  api = await serve(0);
  port = Number(new URL(api.url as string).port);
  chromium = await launchIsolatedChromium(port);
  page = await chromium.browser.newPage();
}, 30_000);

afterAll(async () => {
  await chromium?.close();
  await api?.stop();
  await kv?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!root || !haveChromium())(
  "a lost watch reconnects and says so",
  async () => {
    await page.goto(`http://127.0.0.1:${port}/ui/r/core/v1/configmaps?ns=default`, { waitUntil: "load" });
    // Every banner the page shows, kept: "Reconnected" stays up only 2 s, shorter than a poll
    // of a busy browser may take to see it.
    await page.evaluate(`(() => {
      const conn = document.getElementById("conn");
      window.__banners = [];
      new MutationObserver(() => window.__banners.push(conn.textContent)).observe(conn, { childList: true, characterData: true, subtree: true });
    })()`);
    await api?.stop();
    api = undefined;
    await page.waitForFunction(
      `document.getElementById("conn").style.display === "block" && document.getElementById("conn").textContent.startsWith("Connection lost")`,
      { timeout: 10_000 },
    );
    api = await serve(port);
    await api.handler(
      new Request(`http://127.0.0.1:${port}/api/v1/namespaces/default/configmaps`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ metadata: { name: "made-while-away" } }),
      }),
    );
    await page.waitForFunction(`window.__banners.includes("Reconnected")`, { timeout: 15_000 });
    await page.waitForFunction(
      `(document.querySelector("main table")?.textContent ?? "").includes("made-while-away")`,
      {
        timeout: 10_000,
      },
    );
  },
  45_000,
);
