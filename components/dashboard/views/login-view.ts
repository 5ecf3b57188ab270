// The token login form (seed 001's admin-user token, or `kubectl create token <sa>`).
import { html } from "hono/html";
import { assetUrl } from "../client-assets.ts";
import { errorBox, type Html } from "../layout.ts";

export function loginView(prefix: string, error: string | undefined): Html {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Log in · kube</title><link rel="stylesheet" href="${assetUrl(prefix, "app.css")}"></head><body>
<header><b>kube</b> dashboard</header><main style="max-width:640px;margin:auto">
<h1>Log in</h1>${error ? errorBox(error) : ""}
<form method="post" action="${prefix}/login"><p>Paste a bearer token, e.g. from <code>kubectl -n kubernetes-dashboard create token admin-user</code>:</p>
<textarea name="token" id="token" style="min-height:120px" aria-label="token" required></textarea>
<div class="bar"><button id="login">Log in</button></div></form>
<p class="muted">Through <code>kubectl proxy</code> no token is needed: the proxy adds your own credentials.</p></main></body></html>`;
}
