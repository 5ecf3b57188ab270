// Finding a served resource in THE table (lib/api/resources.ts) the ways clients name one: plural,
// singular or short name ("pods", "po"), "deployments.apps", kind ("Deployment"), or apiVersion +
// kind as objects and owner references carry them; preferred versions win, as in discovery.

import { parseApiVersion, RESOURCES, type ResourceInfo } from "./resources.ts";

/** A resource by name, or by the apiVersion and kind an object or reference carries. */
export type ResourceRef = string | { apiVersion: string; kind: string } | ResourceInfo;

function isInfo(ref: ResourceRef): ref is ResourceInfo {
  return typeof ref === "object" && "plural" in ref;
}

/** The resource `ref` names, or undefined when none is served. */
export function findResource(ref: ResourceRef): ResourceInfo | undefined {
  if (isInfo(ref)) return ref;
  if (typeof ref === "object") {
    const { group, version } = parseApiVersion(ref.apiVersion);
    return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === ref.kind);
  }
  const dot = ref.indexOf(".");
  const name = dot < 0 ? ref : ref.slice(0, dot);
  const group = dot < 0 ? undefined : ref.slice(dot + 1);
  return RESOURCES.find(
    (r) =>
      (group === undefined || r.group === group) &&
      (r.plural === name || r.kind === name || r.singular === name || r.shortNames.includes(name)),
  );
}

/** The resource `ref` names; throws kubectl's message when none is served. */
export function resourceFor(ref: ResourceRef): ResourceInfo {
  const info = findResource(ref);
  if (info) return info;
  const what = typeof ref === "string" ? ref : isInfo(ref) ? ref.plural : `${ref.kind} in ${ref.apiVersion}`;
  throw new Error(`the server doesn't have a resource type "${what}"`);
}
