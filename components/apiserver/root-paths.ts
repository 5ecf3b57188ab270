// GET / (what `kubectl proxy` shows at its root): upstream's metav1.RootPaths, every path the
// server answers, sorted, written indented as responsewriters.WriteRawJSON does.
// Upstream: apiserver pkg/server/routes/index.go (IndexLister) and the handlers' ListedPaths.
import { groupVersion, type ResourceInfo } from "../../lib/api/resources.ts";
import { groupsOf } from "./discovery.ts";
import { rawJson } from "./http/respond.ts";

const HEALTH_CHECKS = ["etcd", "ping"];

/** The sorted paths of metav1.RootPaths for the served resources. */
export function rootPaths(resources: ResourceInfo[]): string[] {
  const paths = new Set([
    "/api",
    "/apis",
    "/apis/",
    "/metrics",
    "/openapi/v2",
    "/openapi/v3",
    "/openapi/v3/",
    "/version",
  ]);
  for (const g of groupsOf(resources)) {
    if (g.name) paths.add(`/apis/${g.name}`);
    for (const version of g.versions) {
      const gv = groupVersion({ group: g.name, version });
      paths.add(g.name ? `/apis/${gv}` : `/api/${gv}`);
    }
  }
  for (const health of ["/healthz", "/livez", "/readyz"]) {
    paths.add(health);
    for (const check of HEALTH_CHECKS) paths.add(`${health}/${check}`);
  }
  // Go's sort.Strings: byte order, not locale order.
  return [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The response: `{"paths": [...]}` indented by two spaces, no trailing newline (WriteRawJSON). */
export function rootPathsResponse(resources: ResourceInfo[]): Response {
  return rawJson({ paths: rootPaths(resources) });
}
