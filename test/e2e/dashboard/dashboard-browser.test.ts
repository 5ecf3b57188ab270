// The built-in dashboard in a real browser (Debian's chromium, headless, through puppeteer-core)
// against a real `kube server` over HTTPS: token login, a Deployment made by kubectl appearing
// live, scaling it from the UI, pod logs, `echo hi` in the exec terminal, a ConfigMap's YAML
// edited, bad input and an RBAC refusal shown with the API's message, and kubectl proxy's /ui.
// Screenshots of the main views land in the test's temp dir (KT_DASHBOARD_SHOTS keeps them).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { type IsolatedChromium, launchIsolatedChromium } from "../../harness/isolated-chromium.ts";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { until } from "../../harness/until.ts";
import { browserPage, execThrough, q } from "./browser-page.ts";

const CHROMIUM = "/usr/bin/chromium";
const root = process.getuid?.() === 0;
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`dashboard browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
if (!root) console.warn("dashboard browser tests skipped: kube server's kubelet needs root");

describe.skipIf(!root || !haveChromium)("the dashboard in chromium against kube server", () => {
  let server: KubeServer;
  let chromium: IsolatedChromium | undefined;
  let browser: Browser;
  let page: Page;
  let ui = "";
  let adminToken = "";
  let viewerToken = "";
  const shots = process.env.KT_DASHBOARD_SHOTS ?? mkdtempSync(join(tmpdir(), "kt-dashboard-shots-"));
  const kubectl = (args: string[], stdin?: string) =>
    server.kubectl(args, stdin === undefined ? undefined : { stdin });
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await kubectl(args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const { waitFor, goto, submit, setValue, getValue, text, shot, login, setYaml, editorText, termLines } =
    browserPage(() => ({ page, ui, shots }));
  const termText = async () => (await termLines()).join("\n");

  beforeAll(async () => {
    server = await startKubeServer({ nodes: 1 });
    const secure = (server.stderr().match(/apiserver: the Kubernetes API on (https:\/\/\S+)/) ?? [])[1];
    if (!secure) throw new Error(`kube server printed no https URL:\n${server.stderr()}`);
    ui = `${secure}/ui`;
    // Seed 001's admin-user, and a viewer bound to the `view` ClusterRole.
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
    adminToken = (await ok(["-n", "kubernetes-dashboard", "create", "token", "admin-user"])).trim();
    viewerToken = (await ok(["-n", "kubernetes-dashboard", "create", "token", "viewer"])).trim();
    // In a network namespace of its own: the kubelet's veths would otherwise abort its requests.
    chromium = await launchIsolatedChromium(Number(new URL(secure).port));
    browser = chromium.browser;
    page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    if (!process.env.KT_DASHBOARD_SHOTS) rmSync(shots, { recursive: true, force: true });
    else console.log(`dashboard screenshots in ${shots}`);
  }, 60_000);

  test("without a token the browser is sent to the login page; a bad token is refused with the API's word", async () => {
    await goto("/");
    expect(page.url()).toBe(`${ui}/login`);
    await login("not-a-token");
    expect(await text(".error")).toBe("Unauthorized");
    await login(adminToken);
    expect(page.url()).toBe(`${ui}/`);
    expect(await text("#whoami")).toBe("system:serviceaccount:kubernetes-dashboard:admin-user");
    // Over HTTPS the session cookie is Secure (and HttpOnly: the page's scripts cannot read it).
    const cookie = (await page.cookies()).find((c) => c.name === "kube_dashboard_token");
    expect(cookie?.secure).toBe(true);
    expect(cookie?.httpOnly).toBe(true);
    await shot("overview");
  }, 30_000);

  test("a Deployment created by kubectl appears live, and scaling it from the UI is seen by kubectl", async () => {
    await goto("/r/apps/v1/deployments?ns=default");
    expect(await text("main")).toContain("No resources found.");
    await ok(["create", "deployment", "web", "--image=hello", "--replicas=1"]);
    // Timed from kubectl's return (the write is done): its own start-up under load is not the UI's delay.
    const t0 = performance.now();
    await waitFor(`(${q("main table")}?.textContent ?? "").includes("web")`, 5000);
    const delay = performance.now() - t0;
    expect(delay).toBeLessThan(1000);
    await shot("deployments");
    await submit("main table a");
    await setValue(".act-scale input[name=replicas]", "3");
    await submit(".act-scale button");
    expect((await ok(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"])).trim()).toBe("3");
    // The page follows the rollout from the watch, without a reload.
    await waitFor(`${q("#replicas")}?.textContent === "3/3"`, 30_000);
    await shot("deployment");
  }, 60_000);

  test("a pod's logs stream in, and `echo hi` runs in the exec terminal", async () => {
    await ok([
      "run",
      "talker",
      "--image=busybox",
      "--command",
      "--",
      "/bin/busybox",
      "sh",
      "-c",
      "echo hello-from-logs; sleep 3600",
    ]);
    await until(
      "talker Running",
      async () =>
        (await ok(["get", "pod", "talker", "-o", "jsonpath={.status.phase}"])) === "Running"
          ? true
          : undefined,
      { timeoutMs: 30_000 },
    );
    await goto("/logs/default/talker");
    await waitFor(`(${q("#logs")}?.textContent ?? "").includes("hello-from-logs")`);
    await shot("logs");
    // The process runtime gives exec no pty: the terminal echoes and edits the line itself.
    await goto("/exec/default/talker");
    await waitFor(`${q("#termstate")}?.textContent === "connected"`);
    expect(await page.evaluate(`${q("#term")}.getAttribute("data-echo")`)).toBe("local");
    await page.keyboard.type("echo hi\r");
    await until("hi in the terminal", async () => ((await termText()).match(/^hi$/m) ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(await termText()).toContain("echo hi");
    await shot("exec");
  }, 60_000);

  test("the overview and a pod's page chart CPU and memory from metrics.k8s.io, and a live re-render keeps the charts", async () => {
    const points = (id: string) => `Number(${q(`#${id}`)}?.getAttribute("data-points") ?? 0)`;
    await goto("/");
    await waitFor(`${points("nodes-cpu")} >= 2 && ${points("pods-memory")} >= 1`, 20_000);
    // A series per node, with values, drawn on a canvas.
    const node = server.nodeNames[0] ?? "";
    const series = (await page.evaluate(
      `(() => { const c = kubeCharts.find((x) => x.el.id === "nodes-memory"); return Object.fromEntries([...c.series].map(([k, v]) => [k, v.filter((x) => x != null).length])); })()`,
    )) as Record<string, number>;
    expect(series[node]).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(`${q("#nodes-cpu canvas")} !== null`)).toBe(true);
    // A pod created meanwhile re-renders the overview; the charts and their samples stay.
    const before = Number(await page.evaluate(points("nodes-cpu")));
    const count = await text("#pod-count b");
    await ok(["run", "kt-chart-pod", "--image=busybox", "--command", "--", "/bin/busybox", "sleep", "3600"]);
    await waitFor(`${q("#pod-count b")}?.textContent !== ${JSON.stringify(count)}`);
    await waitFor(`${points("nodes-cpu")} > ${before} && ${q("#nodes-cpu canvas")} !== null`, 15_000);
    await shot("overview-charts");
    await goto("/r/core/v1/pods/default/talker");
    await waitFor(`${points("pod-memory")} >= 2`, 20_000);
    const podSeries = (await page.evaluate(
      `[...kubeCharts.find((x) => x.el.id === "pod-memory").series.keys()]`,
    )) as string[];
    expect(podSeries).toEqual(["talker"]);
    await shot("pod-charts");
  }, 60_000);

  test("a ConfigMap's YAML is edited; bad YAML, an unknown kind and a stale resourceVersion show the API's message", async () => {
    await ok(["create", "configmap", "cfg", "--from-literal=a=1"]);
    await goto("/edit/core/v1/configmaps/default/cfg");
    // Typed into the editor: the value "1" selected, then replaced from the keyboard.
    await waitFor("window.kubeEditor !== undefined");
    expect(await getValue("#yaml-text")).toBe(await editorText());
    await page.evaluate(
      `(() => { const at = kubeEditor.state.doc.toString().indexOf('a: "1"') + 3; kubeEditor.focus(); kubeEditor.dispatch({ selection: { anchor: at, head: at + 3 } }); })()`,
    );
    await page.keyboard.type('"2"');
    expect(await editorText()).toContain('a: "2"');
    expect(await getValue("#yaml-text")).toContain('a: "2"');
    await shot("editor");
    await submit("#save");
    expect((await ok(["get", "configmap", "cfg", "-o", "jsonpath={.data.a}"])).trim()).toBe("2");
    // Stale: kubectl changes it while the form holds the old resourceVersion.
    await goto("/edit/core/v1/configmaps/default/cfg");
    const held = await editorText();
    await ok(["patch", "configmap", "cfg", "-p", '{"data":{"a":"3"}}']);
    await setYaml(held.replace('a: "2"', 'a: "4"'));
    await submit("#save");
    expect(await text(".error")).toContain(
      'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    );
    await setYaml("data: [unclosed");
    await submit("#save");
    expect(await text(".error")).toStartWith("error converting YAML to JSON: ");
    // The refused text comes back in the editor, as typed.
    await waitFor("window.kubeEditor !== undefined");
    expect(await editorText()).toBe("data: [unclosed");
    expect((await ok(["get", "configmap", "cfg", "-o", "jsonpath={.data.a}"])).trim()).toBe("3");
    // Server-side apply: kubectl's patch owns data.a, so the API reports the conflict; force takes it.
    await goto("/edit/core/v1/configmaps/default/cfg");
    await setYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "5"\n');
    await submit("#apply");
    expect(await text(".error")).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.a',
    );
    expect((await ok(["get", "configmap", "cfg", "-o", "jsonpath={.data.a}"])).trim()).toBe("3");
    await Promise.all([
      page.waitForNavigation({ waitUntil: "domcontentloaded" }),
      page.evaluate(`(() => { ${q("input[name=force]")}.checked = true; ${q("#apply")}.click(); })()`),
    ]);
    expect((await ok(["get", "configmap", "cfg", "-o", "jsonpath={.data.a}"])).trim()).toBe("5");
    await goto("/new?ns=default");
    await setYaml("apiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: x\n");
    await submit("#create");
    expect(await text(".error")).toBe('no matches for kind "Frobnicator" in version "v1"');
    await shot("create-error");
  }, 60_000);

  test("a viewer sees actions disabled and is refused a create with the API's message", async () => {
    await submit("header form[action$='/logout'] button");
    await login(viewerToken);
    await goto("/r/core/v1/configmaps/default/cfg");
    expect(await page.evaluate(`${q(".act-delete button")}.disabled`)).toBe(true);
    await goto("/new?ns=default");
    await setYaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nope\n");
    await submit("#create");
    expect(await text(".error")).toBe(
      'configmaps is forbidden: User "system:serviceaccount:kubernetes-dashboard:viewer" cannot create resource "configmaps" in API group "" in the namespace "default"',
    );
    expect((await kubectl(["get", "configmap", "nope"])).code).not.toBe(0);
  }, 30_000);

  test("through kubectl proxy: /ui and seed 001's kubernetes-dashboard service path serve the UI as the proxy's user", async () => {
    const proxy = Bun.spawn(["kubectl", "--kubeconfig", server.kubeconfig, "proxy", "--port=0"], {
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const reader = proxy.stdout.getReader();
      let out = "";
      const port = await until(
        "kubectl proxy to listen",
        async () => {
          const chunk = await reader.read();
          out += new TextDecoder().decode(chunk.value ?? new Uint8Array());
          return out.match(/Starting to serve on 127\.0\.0\.1:(\d+)/)?.[1];
        },
        { timeoutMs: 15_000 },
      );
      const base = `http://127.0.0.1:${port}`;
      const redirect = await fetch(`${base}/ui`, { redirect: "manual" });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get("location")).toBe("/ui/");
      const overview = await (await fetch(`${base}/ui/`)).text();
      expect(overview).toContain("<h1>Overview");
      expect(overview).not.toContain("log out");
      const svc = "/api/v1/namespaces/kubernetes-dashboard/services/https:kubernetes-dashboard:/proxy/";
      const viaService = await fetch(`${base}${svc}r/apps/v1/deployments?ns=default`);
      expect(viaService.status).toBe(200);
      const html = await viaService.text();
      expect(html).toContain("<h1>Deployments");
      expect(html).toContain(`href="${svc}r/core/v1/pods?ns=default"`);
      expect(html).toContain('id="whoami">kubernetes-admin<');
      // A token login through the proxy's plain http (the browser says same-origin; the proxy
      // rewrote Host): the cookie is not Secure, so the browser keeps sending it over http.
      const login = await fetch(`${base}/ui/login`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: base,
          "Sec-Fetch-Site": "same-origin",
        },
        body: `token=${encodeURIComponent(adminToken)}`,
      });
      expect(login.status).toBe(303);
      const cookie = login.headers.get("set-cookie") ?? "";
      expect(cookie).toContain("HttpOnly");
      expect(cookie).not.toContain("Secure");
      // The terminal's websocket through the proxy (its reject-paths cover only the API's own
      // exec paths), as the proxy's user; and on the insecure port (the Bun server's upgrade).
      expect(await execThrough(base, "talker", "via-proxy")).toEqual({
        out: "via-proxy\n",
        status: "Success",
      });
      expect(await execThrough(server.url, "talker", "via-insecure")).toEqual({
        out: "via-insecure\n",
        status: "Success",
      });
    } finally {
      proxy.kill();
      await proxy.exited;
    }
  }, 30_000);

  test("phone width: the page fits the screen and still lists pods", async () => {
    await page.setViewport({ width: 390, height: 844 });
    await goto("/r/core/v1/pods?ns=default");
    const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
    expect(width).toBeLessThanOrEqual(390);
    expect(await text("main")).toContain("talker");
    await shot("phone-pods");
  }, 30_000);
});
