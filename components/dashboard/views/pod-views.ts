// A pod's logs (streamed, follow, previous, container choice, search) and its exec terminal.
import { html } from "hono/html";
import { arr, type KubeObject, str } from "../kube-object.ts";
import type { Html } from "../layout.ts";

export function logsView(prefix: string, pod: KubeObject, q: URLSearchParams): Html {
  const ns = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  const containers = arr(pod.spec?.containers).map((c) => str(c.name));
  const container = q.get("container") || containers[0] || "";
  const follow = q.get("follow") !== "false";
  const previous = q.get("previous") === "true";
  const src = `${prefix}/k8s/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/log?container=${encodeURIComponent(container)}&tailLines=5000${follow ? "&follow=true" : ""}${previous ? "&previous=true" : ""}`;
  return html`<h1>Logs of <a href="${prefix}/r/core/v1/pods/${ns}/${name}">${name}</a></h1>
<form method="get" class="bar"><select name="container" aria-label="container">${containers.map(
    (c) => html`<option ${c === container ? "selected" : ""}>${c}</option>`,
  )}</select><label><input type="checkbox" name="follow" value="true" ${follow ? "checked" : ""}> follow</label>
<label><input type="checkbox" name="previous" value="true" ${previous ? "checked" : ""}> previous</label><button>show</button>
<input type="search" id="logsearch" placeholder="search" aria-label="search"></form>
<div class="error" id="logerr" style="display:none"></div>
<pre class="term" id="logs" data-src="${src}"><noscript>JavaScript streams the logs; without it: <a href="${src.replace("&follow=true", "")}">plain text</a></noscript></pre>`;
}

/** The shell a terminal opens when no command is given: bash if the image has it, else sh. */
export const DEFAULT_SHELL = [
  "sh",
  "-c",
  "TERM=xterm-256color; export TERM; command -v bash >/dev/null 2>&1 && exec bash; exec sh",
];

/**
 * The exec terminal: xterm.js (terminal.js) on a websocket to the dashboard's /k8s route with
 * tty=true. `localEcho`: the node's runtime gives exec no pty, so the terminal edits the line.
 */
export function execView(prefix: string, pod: KubeObject, q: URLSearchParams, localEcho: boolean): Html {
  const ns = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  const containers = arr(pod.spec?.containers).map((c) => str(c.name));
  const container = q.get("container") || containers[0] || "";
  const typed = (q.get("command") ?? "").trim();
  const argv = typed ? typed.split(/\s+/) : DEFAULT_SHELL;
  const query = new URLSearchParams({ container });
  for (const a of argv) query.append("command", a);
  for (const [k, v] of [
    ["stdin", "true"],
    ["stdout", "true"],
    ["tty", "true"],
  ] as const)
    query.set(k, v);
  const src = `${prefix}/k8s/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/exec?${query}`;
  return html`<h1>Exec in <a href="${prefix}/r/core/v1/pods/${ns}/${name}">${name}</a> <span class="muted">(${container})</span></h1>
<form method="get" class="bar"><select name="container" aria-label="container">${containers.map(
    (c) => html`<option ${c === container ? "selected" : ""}>${c}</option>`,
  )}</select><input name="command" value="${typed}" placeholder="command (default: a shell)" aria-label="command">
<button>open</button><span>Status: <span id="termstate">connecting…</span></span></form>
<div class="error" id="termerr" style="display:none"></div>
<div class="xterm-box" id="term" data-src="${src}" data-echo="${localEcho ? "local" : "pty"}"><noscript>The terminal needs JavaScript; without it run
<code>kubectl exec -it -n ${ns} ${name} -c ${container} -- sh</code>.</noscript></div>`;
}
