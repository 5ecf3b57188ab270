// The URL path of a resource, an object or a subresource (client-go rest.Request's URL rules):
// built from THE resource table, with names and namespaces checked as path segments and
// escaped here, in one place.

import { type ResourceRef, resourceFor } from "./resource-lookup.ts";
import { groupVersion, type ResourceInfo } from "./resources.ts";

/** What a path needs of a resource: a discovered one (a CRD, metrics.k8s.io) need not be in the table. */
export type PathTarget = Pick<ResourceInfo, "group" | "version" | "plural" | "namespaced">;

export interface PathParts {
  /** Ignored for cluster-scoped resources; empty or absent lists across namespaces. */
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** client-go's IsValidPathSegmentName: a name or namespace must be usable as one path segment. */
function checkSegment(what: string, value: string): void {
  const problems: string[] = [];
  if (value === "." || value === "..") problems.push(`may not be '${value}'`);
  if (value.includes("/")) problems.push("may not contain '/'");
  if (value.includes("%")) problems.push("may not contain '%'");
  if (problems.length) throw new Error(`invalid ${what} ${JSON.stringify(value)}: [${problems.join(" ")}]`);
}

/** "/apis/apps/v1/namespaces/a/deployments/web/scale"; throws client-go's messages for bad parts. */
export function resourcePath(ref: ResourceRef | PathTarget, parts: PathParts = {}): string {
  const r = typeof ref === "object" && "plural" in ref ? ref : resourceFor(ref);
  const { namespace, name, subresource } = parts;
  if (namespace) checkSegment("namespace", namespace);
  const root = r.group === "" ? `/api/${r.version}` : `/apis/${groupVersion(r)}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  if (name === undefined) return `${root}${ns}/${r.plural}`;
  if (name === "") throw new Error("resource name may not be empty");
  checkSegment("resource name", name);
  if (r.namespaced && !namespace)
    throw new Error("an empty namespace may not be set when a resource name is provided");
  return `${root}${ns}/${r.plural}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ""}`;
}
