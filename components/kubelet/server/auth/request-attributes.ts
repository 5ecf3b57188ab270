// What a request to the kubelet's port asks for, as an authorization check on the Node object:
// verb from the HTTP method, resource nodes, subresource by path. Upstream:
// pkg/kubelet/server/auth.go GetRequestAttributes.

export interface KubeletRequestAttributes {
  verb: string;
  resource: "nodes";
  subresource: string;
  /** The node's name. */
  name: string;
  path: string;
}

const VERBS: Record<string, string> = {
  GET: "get",
  HEAD: "get",
  POST: "create",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

/** Path prefixes with their own subresource; everything else (exec, logs of containers, pods, healthz) is proxy. */
const SUBRESOURCES: [string, string][] = [
  ["/stats", "stats"],
  ["/metrics", "metrics"],
  ["/logs", "log"],
  ["/spec", "spec"],
  ["/checkpoint", "checkpoint"],
];

/** upstream isSubpath: the path is the prefix itself or below it. */
function isSubpath(path: string, prefix: string): boolean {
  const trimmed = prefix.replace(/\/+$/, "");
  return path === trimmed || path.startsWith(`${trimmed}/`);
}

export function requestAttributes(method: string, path: string, nodeName: string): KubeletRequestAttributes {
  const subresource = SUBRESOURCES.find(([prefix]) => isSubpath(path, prefix))?.[1] ?? "proxy";
  return { verb: VERBS[method.toUpperCase()] ?? "", resource: "nodes", subresource, name: nodeName, path };
}
