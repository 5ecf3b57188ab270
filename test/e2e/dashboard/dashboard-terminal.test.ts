// The dashboard's exec terminal (xterm.js) in chromium against `kube server --runtime oci`, whose
// exec gets a real pty: `echo hi`, the terminal's size reaching `stty size` and following a
// resize of the window, Ctrl-C stopping a command, colours; a user without pods/exec is refused
// with the API's message. Needs root, chromium, crun and the registry tools; skipped otherwise.
// A screenshot of the terminal lands in the test's temp dir (KT_DASHBOARD_SHOTS keeps it).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { ociUnavailable } from "../../../components/kubelet/runtime/oci/oci-runtime.ts";
import { CHROMIUM, type IsolatedChromium, launchIsolatedChromium } from "../../harness/isolated-chromium.ts";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import {
  buildBusyboxLayout,
  type LocalRegistry,
  registryToolsMissing,
  startRegistry,
} from "../../harness/registry.ts";
import { until } from "../../harness/until.ts";
import { browserPage, q } from "./browser-page.ts";

const missing =
  process.getuid?.() !== 0
    ? "kube server's kubelet needs root"
    : !existsSync(CHROMIUM)
      ? `${CHROMIUM} is missing`
      : (registryToolsMissing() ?? (await ociUnavailable()));
if (missing) console.warn(`dashboard terminal tests skipped: ${missing}`);

describe.skipIf(missing !== undefined)("the dashboard's terminal against kube server --runtime oci", () => {
  let work = "";
  let registry: LocalRegistry;
  let server: KubeServer;
  let chromium: IsolatedChromium | undefined;
  let page: Page;
  let ui = "";
  const shots = process.env.KT_DASHBOARD_SHOTS ?? mkdtempSync(join(tmpdir(), "kt-dashboard-term-shots-"));
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await server.kubectl(args, stdin === undefined ? undefined : { stdin });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const { waitFor, goto, login, termLines: lines } = browserPage(() => ({ page, ui, shots }));
  const shows = (what: string, match: (lines: string[]) => boolean) =>
    until(what, async () => (match(await lines()) ? true : undefined), {
      timeoutMs: 15_000,
      onTimeout: async () => console.error((await lines()).join("\n")),
    });
  const size = async () =>
    (await page.evaluate("[kubeTerminal.rows, kubeTerminal.cols]")) as [number, number];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kt-e2e-dashboard-term-"));
    const layout = buildBusyboxLayout(join(work, "layout"), "1", { cmd: ["sleep", "3600"] });
    registry = await startRegistry();
    registry.push(layout, "1", "kt/term:1");
    server = await startKubeServer({ args: ["--runtime", "oci"] });
    const secure = (server.stderr().match(/apiserver: the Kubernetes API on (https:\/\/\S+)/) ?? [])[1];
    if (!secure) throw new Error(`kube server printed no https URL:\n${server.stderr()}`);
    ui = `${secure}/ui`;
    await ok(["create", "namespace", "kubernetes-dashboard"]);
    for (const [sa, role] of [
      ["admin-user", "cluster-admin"],
      ["viewer", "view"],
    ] as const) {
      await ok(["-n", "kubernetes-dashboard", "create", "serviceaccount", sa]);
      await ok([
        "create",
        "clusterrolebinding",
        `kt-${sa}`,
        `--clusterrole=${role}`,
        `--serviceaccount=kubernetes-dashboard:${sa}`,
      ]);
    }
    await ok(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "kt-shell" },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: "main", image: `${registry.host}/kt/term:1` }],
        },
      }),
    );
    await until(
      "kt-shell Running",
      async () =>
        (await ok(["get", "pod", "kt-shell", "-o", "jsonpath={.status.phase}"])) === "Running"
          ? true
          : undefined,
      { timeoutMs: 90_000 },
    );
    chromium = await launchIsolatedChromium(Number(new URL(secure).port));
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (!process.env.KT_DASHBOARD_SHOTS) rmSync(shots, { recursive: true, force: true });
    else console.log(`dashboard terminal screenshots in ${shots}`);
  }, 60_000);

  test("echo hi, stty size, Ctrl-C, colours, and stty size after a resize of the window", async () => {
    await login((await ok(["-n", "kubernetes-dashboard", "create", "token", "admin-user"])).trim());
    await goto("/exec/default/kt-shell");
    await waitFor(`${q("#termstate")}?.textContent === "connected"`);
    expect(await page.evaluate(`${q("#term")}.getAttribute("data-echo")`)).toBe("pty");
    // The shell's prompt, then a command typed into xterm.js; the pty echoes it.
    await shows("a prompt", (l) => l.some((x) => /[#$] ?$/.test(x)));
    await page.keyboard.type("echo hi\r");
    await shows("hi", (l) => l.includes("hi") && l.some((x) => x.endsWith("echo hi")));

    const [rows, cols] = await size();
    await page.keyboard.type("busybox stty size\r");
    await shows(`stty size ${rows} ${cols}`, (l) => l.includes(`${rows} ${cols}`));
    // Ctrl-C reaches the pty as an interrupt: sleep stops and the shell runs the next command.
    await page.keyboard.type("sleep 300; echo not-interrupted\r");
    await until("sleep 300 running in the pod", async () =>
      (await ok(["exec", "kt-shell", "--", "ps"])).includes("sleep 300") ? true : undefined,
    );
    await page.keyboard.down("Control");
    await page.keyboard.press("c");
    await page.keyboard.up("Control");
    await page.keyboard.type("echo after-$((40+2))\r");
    await shows("after-42", (l) => l.includes("after-42"));
    expect((await lines()).includes("not-interrupted")).toBe(false);

    // Colours: SGR 31 paints the text red (palette colour 1).
    await page.keyboard.type("printf '\\033[31mkt-red\\033[0m\\n'\r");
    await shows("kt-red", (l) => l.includes("kt-red"));
    const red = await page.evaluate(
      "(() => { const b = kubeTerminal.buffer.active; for (let i = b.length - 1; i >= 0; i--) { const l = b.getLine(i); if (l.translateToString(true) === 'kt-red') { const c = l.getCell(0); return [c.isFgPalette(), c.getFgColor()]; } } return null; })()",
    );
    expect(red).toEqual([true, 1]);
    await page.screenshot({ path: join(shots, "terminal.png") as `${string}.png` }); // the window, not the page

    await page.setViewport({ width: 700, height: 520 });
    await until("the terminal to shrink", async () => ((await size())[1] < cols ? true : undefined), {
      timeoutMs: 5000,
    });
    const [rows2, cols2] = await size();
    expect(rows2).toBeLessThan(rows);
    await page.keyboard.type("clear; busybox stty size\r");
    await shows(`stty size ${rows2} ${cols2}`, (l) => l.includes(`${rows2} ${cols2}`));

    // exit ends the session with the process's status.
    await page.keyboard.type("exit 3\r");
    await waitFor(`${q("#termstate")}?.textContent === "exited (3)"`);
    await page.setViewport({ width: 1200, height: 800 });
  }, 90_000);

  test("a viewer (no pods/exec) finds Exec disabled, and the websocket is refused with the API's message", async () => {
    await login((await ok(["-n", "kubernetes-dashboard", "create", "token", "viewer"])).trim());
    await goto("/r/core/v1/pods/default/kt-shell");
    expect(await page.evaluate(`${q("#exec-link")} === null`)).toBe(true);
    await goto("/exec/default/kt-shell");
    await waitFor(`${q("#termstate")}?.textContent === "refused"`);
    await waitFor(`(${q("#termerr")}?.textContent ?? "") !== ""`);
    expect(String(await page.evaluate(`${q("#termerr")}.textContent`))).toContain(
      'User "system:serviceaccount:kubernetes-dashboard:viewer" cannot',
    );
  }, 30_000);
});
