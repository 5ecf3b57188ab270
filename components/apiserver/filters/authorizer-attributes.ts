// What the authorizer is asked for one request: upstream's GetAuthorizerAttributes
// (k8s.io/apiserver pkg/endpoints/filters/authorization.go) from the RequestInfo. A list or
// watch narrowed by `fieldSelector=metadata.name=<x>` names that object, as upstream's
// RequestInfoFactory does, so a kubelet may watch its own Node.
import type { UserInfo } from "../authn/user-info.ts";
import type { Attributes } from "../authz/authorizer.ts";
import type { RequestInfo } from "../request-info.ts";

const SEGMENT_INVALID = /^\.\.?$|[/%]/;

export function authorizerAttributes(user: UserInfo, info: RequestInfo, url: URL | string): Attributes {
  let name = info.name;
  if (info.isResourceRequest && !name && (info.verb === "list" || info.verb === "watch")) {
    const query = typeof url === "string" ? new URL(url).searchParams : url.searchParams;
    const selected = exactName(query.get("fieldSelector"));
    if (selected !== undefined && selected !== "" && !SEGMENT_INVALID.test(selected)) name = selected;
  }
  return {
    user,
    verb: info.verb,
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    apiGroup: info.group,
    apiVersion: info.version,
    namespace: info.namespace,
    resource: info.resource,
    subresource: info.subresource,
    name,
  };
}

/** The value of `metadata.name=<x>` (or `==`) when the selector requires exactly that. */
function exactName(selector: string | null): string | undefined {
  if (!selector) return undefined;
  let found: string | undefined;
  for (const term of selector.split(",")) {
    const m = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(term);
    if (m) found = m[2];
  }
  return found;
}
