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

export function execView(
  prefix: string,
  pod: KubeObject,
  token: string | undefined,
  q: URLSearchParams,
): Html {
  const ns = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  const containers = arr(pod.spec?.containers).map((c) => str(c.name));
  const container = q.get("container") || containers[0] || "";
  const src = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/exec?container=${encodeURIComponent(container)}&command=sh&stdin=true&stdout=true&stderr=true`;
  return html`<h1>Exec in <a href="${prefix}/r/core/v1/pods/${ns}/${name}">${name}</a> <span class="muted">(${container})</span></h1>
${
  token
    ? ""
    : html`<p class="muted">Exec opens a websocket to the API's exec endpoint with your login token. Without a token (e.g. through
<code>kubectl proxy</code>, which refuses exec paths by default) <a href="${prefix}/login">log in with a token</a> or run
<code>kubectl exec -it -n ${ns} ${name} -c ${container} -- sh</code>.</p>`
}
<p>Status: <span id="termstate">connecting…</span></p>
<pre class="term" id="term" data-src="${src}" data-token="${token ?? ""}"></pre>
<input id="terminput" style="width:100%;font-family:monospace" placeholder="type a command, Enter sends it" aria-label="command" disabled>`;
}
