// The built-in dashboard (issue 15): a hono app the apiserver mounts at /ui (and at the
// kubernetes-dashboard Service's proxy path). Pages are rendered on the server from API
// requests made as the browser session's token or the proxied user; RBAC decides everything.
import { Hono } from "hono";
import { html } from "hono/html";
import { whoAmI } from "./access.ts";
import { ApiError, type ApiFetch, apiJsonOr, apiRequest, type Session } from "./api-session.ts";
import { assetOf, assetResponse } from "./client-assets.ts";
import type { App, Env } from "./dashboard-env.ts";
import { execSocket, sameOrigin } from "./exec-socket.ts";
import type { KubeList } from "./kube-object.ts";
import { errorBox, type Html, page, pageEnd, pageStart, watchSpans } from "./layout.ts";
import { registerPages } from "./pages.ts";
import { registerSessionRoutes, TOKEN_COOKIE } from "./session-routes.ts";

export interface DashboardContext {
  /** Performs an API request as the /ui request's user, or as the token it carries. */
  api: ApiFetch;
  /** The mount path ("/ui"). */
  prefix: string;
  /** Who the /ui request was authenticated as. */
  user: { username: string } | undefined;
}

export type DashboardHandler = (req: Request, ctx: DashboardContext) => Promise<Response>;

export function createDashboard(): DashboardHandler {
  const app: App = new Hono<{ Bindings: Env }>();
  app.get("/static/:hash/:file", (c) => {
    const a = assetOf(c.req.param("file"));
    if (!a) return c.text("404 page not found", 404);
    return assetResponse(a, c.req.param("hash"), c.req.header("accept-encoding") ?? "");
  });
  // Cross-site form posts, API calls and websockets are refused (the browser's cookie or kubectl
  // proxy's credentials must not act for another site). The browser's Sec-Fetch-Site says so
  // (kubectl proxy rewrites Host, so Origin cannot be compared there); else Origin and Host.
  app.use("*", async (c, next) => {
    const ws = c.req.header("upgrade")?.toLowerCase() === "websocket";
    if ((c.req.method === "GET" || c.req.method === "HEAD") && !ws) return await next();
    if (!sameOrigin(c.req.raw.headers)) return c.text("cross-site request refused", 403);
    return await next();
  });
  registerSessionRoutes(app);
  // The API itself under the session's identity: watches, log streams and client writes.
  app.all("/k8s/*", async (c) => {
    const url = new URL(c.req.url);
    const path = url.pathname.slice("/k8s".length) + url.search;
    if (c.req.header("upgrade")?.toLowerCase() === "websocket")
      return await execSocket(c.env.session, c.req.raw, path);
    if (c.req.method !== "GET" && !c.req.header("x-kube-dashboard"))
      return c.text("X-Kube-Dashboard header required", 403);
    const headers: Record<string, string> = {};
    for (const h of ["accept", "content-type"]) {
      const v = c.req.header(h);
      if (v) headers[h] = v;
    }
    const init: RequestInit = { method: c.req.method, headers, signal: c.req.raw.signal };
    if (c.req.method !== "GET" && c.req.method !== "HEAD") init.body = await c.req.arrayBuffer();
    return await apiRequest(c.env.session, path, init);
  });
  app.use("*", async (c, next) => {
    if (!c.env.identified) return c.redirect(`${c.env.session.prefix}/login`, 303);
    if (c.req.method === "GET") c.env.prefetch();
    return await next();
  });
  registerPages(app);
  app.onError((err, c) => {
    const e = err instanceof ApiError ? err : new ApiError(500, String(err), "InternalError");
    if (e.code === 401 && c.env.session.token)
      return c.redirect(`${c.env.session.prefix}/login?expired=1`, 303);
    return c.env
      .render({ title: "Error", body: errorBox(e.message) })
      .then((r) => new Response(r.body, { status: e.code, headers: r.headers }));
  });

  return async (req, ctx) => {
    const url = new URL(req.url);
    const rest = url.pathname.slice(ctx.prefix.length);
    if (rest === "")
      return new Response(null, { status: 301, headers: { Location: `${ctx.prefix}/${url.search}` } });
    const token = getCookieOf(req);
    const session: Session = { api: ctx.api, token, origin: url.origin, prefix: ctx.prefix };
    const anonymous = !ctx.user || ctx.user.username === "system:anonymous";
    // The header's namespaces and user: fetched once, alongside the page's own requests.
    let chrome: Promise<[KubeList | undefined, string | undefined]> | undefined;
    const header = () =>
      (chrome ??= Promise.all([apiJsonOr<KubeList>(session, "/api/v1/namespaces"), whoAmI(session)]));
    const env: Env = {
      session,
      identified: token !== undefined || !anonymous,
      prefetch: () => void header(),
      render: async (o) => {
        const [nsList, user] = await header();
        const html: Html = page({
          ...o,
          prefix: ctx.prefix,
          namespaces: (nsList?.items ?? []).map((n) => n.metadata.name ?? ""),
          user: user ?? ctx.user?.username,
          loggedIn: token !== undefined,
        });
        return new Response(String(await html), { headers: { "Content-Type": "text/html; charset=utf-8" } });
      },
      stream: async (o, content) => {
        const [nsList, user] = await header();
        const start = String(
          await pageStart({
            ...o,
            prefix: ctx.prefix,
            namespaces: (nsList?.items ?? []).map((n) => n.metadata.name ?? ""),
            user: user ?? ctx.user?.username,
            loggedIn: token !== undefined,
          }),
        );
        const rest = async (): Promise<string> => {
          try {
            const v = await content();
            return String(
              await html`${watchSpans(v.watches)}
${v.body}${pageEnd(ctx.prefix, v.scripts)}`,
            );
          } catch (err) {
            const e = err instanceof ApiError ? err : new ApiError(500, String(err), "InternalError");
            const login = `${ctx.prefix}/login?expired=1`;
            const away =
              e.code === 401 && token ? html`<meta http-equiv="refresh" content="0;url=${login}">` : "";
            return String(await html`${away}${errorBox(e.message)}${pageEnd(ctx.prefix, [])}`);
          }
        };
        const enc = new TextEncoder();
        // The page's own requests start once the frame is on its way (they share this thread).
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(enc.encode(start));
            setImmediate(
              () =>
                void rest().then((text) => {
                  controller.enqueue(enc.encode(text));
                  controller.close();
                }),
            );
          },
        });
        return new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8" } });
      },
    };
    const inner = new Request(`${url.origin}${rest}${url.search}`, req);
    return await app.fetch(inner, env);
  };
}

function getCookieOf(req: Request): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === TOKEN_COOKIE && v.length) return decodeURIComponent(v.join("=")) || undefined;
  }
  return undefined;
}
