// What the dashboard's browser tests do to a page (puppeteer-core): browser-side code as strings
// (the tests' TypeScript has no DOM types); fields set and buttons clicked in one in-page step,
// because a live update may re-render <main> between finding an element and clicking it.
import { join } from "node:path";
import type { Page } from "puppeteer-core";

export interface PageSession {
  page: Page;
  /** The dashboard's base URL, e.g. https://127.0.0.1:6443/ui. */
  ui: string;
  /** Where screenshots go. */
  shots: string;
}

/** `document.querySelector(sel)` as browser code. */
export const q = (sel: string): string => `document.querySelector(${JSON.stringify(sel)})`;

/** Helpers bound to the session `s()` returns (its page is made in the test's beforeAll). */
export function browserPage(s: () => PageSession) {
  const waitFor = (expr: string, timeout = 10_000) => s().page.waitForFunction(expr, { timeout });
  const goto = async (path: string) => {
    await s().page.goto(`${s().ui}${path}`, { waitUntil: "domcontentloaded" });
  };
  const submit = async (sel: string) => {
    await Promise.all([
      s().page.waitForNavigation({ waitUntil: "domcontentloaded" }),
      s().page.evaluate(`${q(sel)}.click()`),
    ]);
  };
  // Focused first: the page does not re-render <main> under a focused field, so the value stays.
  const setValue = (sel: string, v: string) =>
    s().page.evaluate(`(() => { const e = ${q(sel)}; e.focus(); e.value = ${JSON.stringify(v)}; })()`);
  return {
    waitFor,
    goto,
    submit,
    setValue,
    getValue: async (sel: string) => String(await s().page.evaluate(`${q(sel)}.value`)),
    text: (sel: string) => s().page.$eval(sel, (e) => e.textContent ?? ""),
    shot: (name: string) =>
      s().page.screenshot({ path: join(s().shots, `${name}.png`) as `${string}.png`, fullPage: true }),
    login: async (token: string) => {
      await goto("/login");
      await setValue("#token", token);
      await submit("#login");
    },
    /** Replaces the CodeMirror editor's text (the textarea it covers follows it). */
    setYaml: async (yaml: string) => {
      await waitFor("window.kubeEditor !== undefined");
      await s().page.evaluate(
        `kubeEditor.dispatch({ changes: { from: 0, to: kubeEditor.state.doc.length, insert: ${JSON.stringify(yaml)} } })`,
      );
    },
    editorText: async () => String(await s().page.evaluate("kubeEditor.state.doc.toString()")),
    /** What the xterm.js terminal shows, one string per line. */
    termLines: async () =>
      (await s().page.evaluate(
        "(() => { const b = kubeTerminal.buffer.active; const out = []; for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true)); return out; })()",
      )) as string[],
  };
}

/**
 * `echo <word>` in `pod` (namespace default) through the dashboard's exec websocket route with
 * Bun's WebSocket, as whoever `base` authenticates the caller as: stdout, and the Status.
 */
export function execThrough(
  base: string,
  pod: string,
  word: string,
): Promise<{ out: string; status: string }> {
  return new Promise((resolve, reject) => {
    const path = `/ui/k8s/api/v1/namespaces/default/pods/${pod}/exec?command=echo&command=${word}&stdout=true`;
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}${path}`, ["v5.channel.k8s.io"]);
    ws.binaryType = "arraybuffer";
    let out = "";
    let status = "";
    const timer = setTimeout(() => ws.close(), 15_000);
    ws.onmessage = (e) => {
      const b = new Uint8Array(e.data as ArrayBuffer);
      if (b[0] === 1) out += new TextDecoder().decode(b.subarray(1));
      if (b[0] === 3)
        status = (JSON.parse(new TextDecoder().decode(b.subarray(1))) as { status: string }).status;
    };
    ws.onerror = () => reject(new Error(`exec websocket to ${base} failed`));
    ws.onclose = () => {
      clearTimeout(timer);
      resolve({ out, status });
    };
  });
}
