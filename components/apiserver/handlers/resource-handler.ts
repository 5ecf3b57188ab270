// Routes a resource request to its verb handler: the main resource, its status (and the
// status-like approval and ephemeralcontainers), scale, binding and finalize subresources, the
// review kinds, and the kubelet-served subresources.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ApiContext, ResourceRequest } from "../api-context.ts";
import { createReview } from "../auth/reviews.ts";
import { userOf } from "../filters/request-context.ts";
import { negotiate } from "../http/negotiate.ts";
import type { RequestInfo } from "../request-info.ts";
import { createTokenRequest } from "../serviceaccount/token-request.ts";
import { componentStatuses } from "./component-statuses.ts";
import { createObject } from "./create.ts";
import { deleteCollection, deleteObject } from "./delete.ts";
import { withWarnings } from "./field-validation.ts";
import { METRICS_GROUP, serveMetrics } from "./metrics-api.ts";
import { getObject, listObjects } from "./read.ts";
import { bindPod, getScale, nodeAgentOnly, writeScale } from "./subresources.ts";
import { patchObject, updateObject } from "./update.ts";
import { watchObjects } from "./watch.ts";

const NODE_AGENT_SUBRESOURCES = new Set(["log", "exec", "attach", "portforward", "proxy", "eviction"]);

export async function handleResource(
  req: Request,
  url: URL,
  info: RequestInfo,
  ctx: ApiContext,
): Promise<Response> {
  const warnings: string[] = [];
  const res = await route(req, url, info, ctx, warnings);
  return warnings.length > 0 ? withWarnings(res, warnings) : res;
}

async function route(
  req: Request,
  url: URL,
  info: RequestInfo,
  ctx: ApiContext,
  warnings: string[],
): Promise<Response> {
  const entry = ctx.registry.lookup(info.group, info.version, info.resource);
  if (!entry) throw StatusError.notFoundPath();
  const r: ResourceRequest = {
    req,
    url,
    info,
    entry,
    wanted: negotiate(req.headers.get("accept")),
    ctx,
    user: userOf(req),
    warnings,
  };
  if (info.group === METRICS_GROUP) return serveMetrics(r);
  const { verb, subresource } = info;
  if (!entry.info.namespaced && info.namespace && entry.info.plural !== "namespaces")
    throw StatusError.notFoundPath();

  if (subresource) {
    if (!info.name) throw StatusError.notFoundPath();
    const sub = entry.info.subresources.find((s) => s.name === subresource);
    if (!sub) throw StatusError.notFoundPath();
    if (NODE_AGENT_SUBRESOURCES.has(subresource)) return nodeAgentOnly(r);
    switch (subresource) {
      case "status":
      case "approval":
      case "ephemeralcontainers":
        if (verb === "get") return getObject(r);
        if (verb === "update") return updateObject(r);
        if (verb === "patch") return patchObject(r);
        break;
      case "finalize":
        if (verb === "update") return updateObject(r);
        break;
      case "scale":
        if (verb === "get") return getScale(r);
        if (verb === "update" || verb === "patch") return writeScale(r);
        break;
      case "binding":
        if (verb === "create") return bindPod(r, info.name);
        break;
      case "token":
        if (verb === "create" && entry.info.plural === "serviceaccounts") return createTokenRequest(r);
        break;
    }
    throw StatusError.methodNotAllowed();
  }

  if (!(entry.info.verbs as string[]).includes(verb)) throw StatusError.methodNotAllowed();
  if (entry.info.plural === "bindings" && entry.info.group === "") return bindPod(r);
  if (entry.info.plural === "componentstatuses" && entry.info.group === "") return componentStatuses(r);
  if (entry.info.verbs.length === 1 && verb === "create") return createReview(r);
  if (entry.info.namespaced && !info.namespace && verb !== "list" && verb !== "watch")
    throw StatusError.notFoundPath();
  switch (verb) {
    case "get":
      return getObject(r);
    case "list":
      return listObjects(r);
    case "watch":
      return watchObjects(r);
    case "create":
      if (info.name) throw StatusError.methodNotAllowed();
      return createObject(r);
    case "update":
      return updateObject(r);
    case "patch":
      return patchObject(r);
    case "delete":
      return deleteObject(r);
    case "deletecollection":
      return deleteCollection(r);
  }
  throw StatusError.methodNotAllowed();
}
