// The page shell every dashboard view renders into (server-side, hono/html): header with the
// namespace chooser and who is logged in, the navigation, and the main part the client
// re-renders on live updates.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { type AssetName, assetUrl } from "./client-assets.ts";
import { NAV_KINDS, uiPath } from "./resource-kinds.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  prefix: string;
  title: string;
  /** The current namespace filter ("" = all namespaces). */
  namespace?: string;
  namespaces: string[];
  /** Who the API says we are (SelfSubjectReview), shown in the header. */
  user: string | undefined;
  loggedIn: boolean;
  /** API collection paths to watch, with the resourceVersion the page was rendered at. */
  watches?: Array<{ path: string; rv: string | undefined }>;
  active?: string;
  /** The page's own bundles besides app.js (the terminal, the charts, the YAML editor). */
  scripts?: AssetName[];
  body: Html;
}

export function page(o: PageOptions): Html {
  return html`${pageStart(o)}${watchSpans(o.watches)}
${o.body}${pageEnd(o.prefix, o.scripts)}`;
}

/** The page up to the opening of <main>: sent first when the page streams (see Env.stream). */
export function pageStart(o: Omit<PageOptions, "body" | "watches" | "scripts">): Html {
  const p = o.prefix;
  const sections = ["Workloads", "Network", "Config", "Cluster"] as const;
  const nsq = o.namespace ? `?ns=${encodeURIComponent(o.namespace)}` : "";
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} · kube</title><link rel="stylesheet" href="${assetUrl(p, "app.css")}"></head>
<body data-prefix="${p}">
<header><a href="${p}/${nsq}"><b>kube</b> dashboard</a>
<form method="get" action=""><select name="ns" onchange="this.form.submit()" aria-label="namespace">
<option value="">all namespaces</option>${o.namespaces.map(
    (n) => html`<option value="${n}" ${n === o.namespace ? "selected" : ""}>${n}</option>`,
  )}</select><noscript><button>go</button></noscript></form>
<a href="${p}/new${nsq}">+ Create</a>
<span class="who">${o.user ? html`as <b id="whoami">${o.user}</b>` : ""} ${
    o.loggedIn
      ? html`<form method="post" action="${p}/logout"><button>log out</button></form>`
      : html`<a href="${p}/login">log in with a token</a>`
  }</span></header>
<div class="wrap"><nav><a href="${p}/${nsq}" class="${o.active === "overview" ? "on" : ""}">Overview</a>
${sections.map(
  (s) =>
    html`<h4>${s}</h4>${NAV_KINDS.filter((k) => k.section === s).map(
      (k) =>
        html`<a href="${p}${uiPath(k)}${k.namespaced ? nsq : ""}" class="${o.active === k.resource ? "on" : ""}">${k.title}</a>`,
    )}`,
)}</nav>
<main id="main">`;
}

/** The collections the client watches, with the resourceVersion the page was rendered at. */
export function watchSpans(watches: PageOptions["watches"]): Html {
  return html`${(watches ?? []).map((w) => html`<span data-watch="${w.path}" data-rv="${w.rv ?? ""}" hidden></span>`)}`;
}

/** Scripts app.js loads once the page has painted (the charts need not delay the first paint). */
const LAZY = new Set<AssetName>(["charts.js"]);

/** The page from the end of <main>: the scripts. */
export function pageEnd(prefix: string, scripts: PageOptions["scripts"]): Html {
  return html`</main></div>
<div id="conn" role="status"></div>
<script src="${assetUrl(prefix, "app.js")}" defer></script>${(scripts ?? []).map((s) =>
    LAZY.has(s)
      ? html`<script data-lazy="${assetUrl(prefix, s)}"></script>`
      : html`<script src="${assetUrl(prefix, s)}" defer></script>`,
  )}
</body></html>`;
}

export function errorBox(message: string): Html {
  return html`<div class="error" role="alert">${message}</div>`;
}
