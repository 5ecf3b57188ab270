// What a request asks for, read from its method, path and query the way upstream's
// RequestInfoFactory does (k8s.io/apiserver pkg/endpoints/request/requestinfo.go): API group,
// version, namespace, resource, name, subresource and verb.

import { queryBool } from "./http/query-bool.ts";

export interface RequestInfo {
  /** False for /version, /healthz, discovery roots and the like. */
  isResourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix: "api" | "apis" | "";
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** Path segments after the subresource (proxy paths). */
  rest: string[];
  parts: string[];
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

export function requestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const parts = path
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent);
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: "",
    group: "",
    version: "",
    namespace: "",
    resource: "",
    name: "",
    subresource: "",
    rest: [],
    parts,
  };
  let cur: string[];
  if (parts[0] === "api" && parts.length >= 2) {
    info.apiPrefix = "api";
    info.version = parts[1] as string;
    cur = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 3) {
    info.apiPrefix = "apis";
    info.group = parts[1] as string;
    info.version = parts[2] as string;
    cur = parts.slice(3);
  } else {
    return info;
  }
  if (cur.length === 0) return info;
  info.isResourceRequest = true;

  let watchPrefix = false;
  if (cur[0] === "watch") {
    watchPrefix = true;
    cur = cur.slice(1);
  }
  if (cur[0] === "namespaces" && cur.length > 1) {
    info.namespace = cur[1] as string;
    if (cur.length > 2 && !NAMESPACE_SUBRESOURCES.has(cur[2] as string)) cur = cur.slice(2);
  }
  info.resource = cur[0] ?? "";
  info.name = cur[1] ?? "";
  info.subresource = cur[2] ?? "";
  info.rest = cur.slice(3);
  if (info.resource === "namespaces" && info.name && !info.namespace) info.namespace = info.name;

  const watch = watchPrefix || queryBool(url.searchParams, "watch");
  switch (method) {
    case "GET":
    case "HEAD":
      info.verb = watch ? "watch" : info.name ? "get" : "list";
      break;
    case "POST":
      info.verb = "create";
      break;
    case "PUT":
      info.verb = "update";
      break;
    case "PATCH":
      info.verb = "patch";
      break;
    case "DELETE":
      info.verb = info.name ? "delete" : "deletecollection";
      break;
  }
  return info;
}
