// The apiserver as one fetch handler: (Request) => Response. Bun.serve serves it on a port,
// and components inside `kube server` call it directly, with no socket. Non-resource paths
// (version, health, metrics, discovery, OpenAPI) are answered here; resource paths go to
// handlers/resource-handler.ts. Every error leaves as a Status.
import { StatusError } from "../../lib/errors/status-error.ts";
import type { ApiContext } from "./api-context.ts";
import {
  aggregatedContentType,
  aggregatedList,
  apiGroup,
  apiGroupList,
  apiResourceList,
  groupsOf,
  legacyVersions,
  wantsAggregated,
} from "./discovery.ts";
import { type ExtraRoute, matchExtraRoute } from "./extra-route.ts";
import { chain, type Filter, type Handler } from "./filters/chain.ts";
import { contextOf, withUser } from "./filters/request-context.ts";
import { withMetrics, withRequestInfo } from "./filters/request-metrics.ts";
import { handleResource } from "./handlers/resource-handler.ts";
import { json, rawJson } from "./http/respond.ts";
import type { ApiMetrics } from "./metrics.ts";
import { openApiV2 } from "./openapi/openapi-v2.ts";
import { openApiV3 } from "./openapi/openapi-v3.ts";
import { requestInfo } from "./request-info.ts";
import { rootPathsResponse } from "./root-paths.ts";
import { versionInfo } from "./version-info.ts";

export interface ApiHandlerDeps {
  ctx: ApiContext;
  /**
   * Filters between request info and the handler, outermost first: authentication,
   * impersonation, authorization (filters/). Each request must leave them with a user.
   */
  filters?: Filter[];
  metrics: ApiMetrics;
  /** Health of the storage behind the server, for /readyz and /healthz. */
  storageHealthy: () => Promise<boolean>;
  /** host:port clients reach the server at (legacy /api discovery). */
  serverAddress: () => string;
  /** Handlers beside the API (the dashboard at /ui/), after authentication. */
  extraRoutes?: ExtraRoute[];
}

export type FetchHandler = (req: Request) => Promise<Response>;

const HEALTH = new Set(["/healthz", "/livez", "/readyz"]);

export function createApiHandler(deps: ApiHandlerDeps): FetchHandler {
  const routes = deps.extraRoutes ?? [];
  const serve: Handler = async (req) => {
    const url = new URL(req.url);
    const route = matchExtraRoute(routes, url.pathname);
    if (route) {
      const user = contextOf(req).user;
      const authenticates = (deps.filters ?? []).length > 0;
      // A request with its own credentials is authenticated afresh; others act as `user`.
      const api = (r: Request): Promise<Response> => {
        contextOf(r).receivedAs = contextOf(req).receivedAs ?? req;
        return handler(authenticates && r.headers.has("authorization") ? r : user ? withUser(r, user) : r);
      };
      return await route.handler(req, { api, prefix: route.prefix, user });
    }
    const info = contextOf(req).info ?? requestInfo(req.method, url);
    // A group/version another server serves through an APIService: proxied there.
    const proxied = await deps.ctx.aggregator?.proxy(req, url, contextOf(req).user);
    if (proxied) return proxied;
    return info.isResourceRequest
      ? await handleResource(req, url, info, deps.ctx)
      : await nonResource(req, url, deps);
  };
  // Outermost first: metrics (and the one place errors become a Status), request info, then
  // authentication, impersonation, in-flight limits and authorization (filters/).
  const markPublic: Filter = (next) => (req) => {
    if (matchExtraRoute(routes, new URL(req.url).pathname)?.public) contextOf(req).alwaysAllow = true;
    return next(req);
  };
  const handler = chain(
    serve,
    withMetrics(deps.metrics),
    withRequestInfo(),
    markPublic,
    ...(deps.filters ?? []),
  );
  return handler;
}

async function nonResource(req: Request, url: URL, deps: ApiHandlerDeps): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const served = deps.ctx.registry;
  // Discovery lists kube's resources and those of the aggregated API servers.
  const registry = {
    resources: () => [...served.resources(), ...(deps.ctx.aggregator?.resources() ?? [])],
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    throw StatusError.methodNotAllowed();
  }
  if (path === "/") return rootPathsResponse(registry.resources());
  if (path === "/version") return rawJson(versionInfo());
  const health = [...HEALTH].find((h) => path === h || path.startsWith(`${h}/`));
  if (health) {
    const ok = await deps.storageHealthy();
    if (url.searchParams.has("verbose")) {
      const body = `[${ok ? "+" : "-"}]etcd ${ok ? "ok" : "failed"}\n${health.slice(1)} check ${ok ? "passed" : "failed"}\n`;
      return new Response(body, {
        status: ok ? 200 : 500,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    return new Response(ok ? "ok" : "etcd failed", {
      status: ok ? 200 : 500,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  if (path === "/metrics") {
    return new Response(deps.metrics.render(), {
      headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  }
  if (path === "/api" || path === "/apis") {
    const agg = wantsAggregated(req.headers.get("accept"));
    const resources = registry.resources();
    if (agg) {
      return json(aggregatedList(resources, path === "/api", agg), 200, {
        "Content-Type": aggregatedContentType(agg),
        Vary: "Accept",
      });
    }
    return json(path === "/api" ? legacyVersions(deps.serverAddress()) : apiGroupList(resources), 200, {
      Vary: "Accept",
    });
  }
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "apis" && parts.length === 2) {
    const g = groupsOf(registry.resources()).find((x) => x.name === parts[1]);
    if (g) return json(apiGroup(g));
  }
  if ((parts[0] === "api" && parts.length === 2) || (parts[0] === "apis" && parts.length === 3)) {
    const group = parts[0] === "api" ? "" : (parts[1] as string);
    const version = parts[parts.length - 1] as string;
    const list = apiResourceList(registry.resources(), group, version);
    if (list) return json(list);
  }
  if (path === "/openapi/v2") return openApiV2();
  if (path === "/openapi/v3" || path.startsWith("/openapi/v3/")) return openApiV3(path, url, served);
  throw StatusError.notFoundPath();
}
