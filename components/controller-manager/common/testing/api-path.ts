// An API path taken apart for the fake API server (upstream apiserver's RequestInfo, for
// resource paths only): group, version, resource, namespace, name and subresource, plus the
// store's collection key ("/api/v1/pods", any namespace) and object key ("ns/name").

export interface ApiPath {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name: string;
  subresource?: string;
  /** The collection across namespaces: "/api/v1/pods", "/apis/apps/v1/replicasets". */
  collection: string;
  /** "namespace/name", or "name" for cluster-scoped objects; "" for a collection. */
  key: string;
}

/** Namespace subresources that are not namespaced resources ("/api/v1/namespaces/a/finalize"). */
const NAMESPACE_SUBRESOURCES = new Set(["finalize", "status"]);

export function parseApiPath(path: string): ApiPath {
  const parts = path.split("?")[0]?.split("/").filter(Boolean).map(decodeURIComponent) ?? [];
  let group = "";
  let version: string;
  let rest: string[];
  if (parts[0] === "api") {
    version = parts[1] ?? "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    group = parts[1] ?? "";
    version = parts[2] ?? "";
    rest = parts.slice(3);
  } else {
    throw new Error(`not an API resource path: ${path}`);
  }
  let namespace: string | undefined;
  if (
    rest[0] === "namespaces" &&
    rest.length >= 3 &&
    !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2] ?? ""))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = "", name = "", subresource] = rest;
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  return {
    group,
    version,
    resource,
    namespace,
    name,
    subresource,
    collection: `${prefix}/${resource}`,
    key: name ? (namespace ? `${namespace}/${name}` : name) : "",
  };
}
