// An aggregated API server's discovery document (the APIResourceList at /apis/<group>/<version>)
// as kube's resource table entries, so /apis and aggregated discovery list its resources
// beside the built-in ones (upstream's aggregator merges them the same way).
import type { ResourceInfo, Subresource, Verb } from "../../../lib/api/resources.ts";

interface ApiResource {
  name?: unknown;
  singularName?: unknown;
  namespaced?: unknown;
  kind?: unknown;
  verbs?: unknown;
  shortNames?: unknown;
  categories?: unknown;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export function remoteResources(group: string, version: string, list: unknown): ResourceInfo[] {
  const items = (list as { resources?: unknown } | undefined)?.resources;
  if (!Array.isArray(items)) return [];
  const out: ResourceInfo[] = [];
  const subs: { parent: string; sub: Subresource }[] = [];
  for (const raw of items as ApiResource[]) {
    if (typeof raw?.name !== "string" || typeof raw.kind !== "string") continue;
    const [plural = "", sub] = raw.name.split("/");
    if (sub) {
      subs.push({ parent: plural, sub: { name: sub, verbs: strings(raw.verbs) } });
      continue;
    }
    out.push({
      group,
      version,
      kind: raw.kind,
      plural,
      singular:
        typeof raw.singularName === "string" && raw.singularName ? raw.singularName : raw.kind.toLowerCase(),
      namespaced: raw.namespaced === true,
      verbs: strings(raw.verbs) as Verb[],
      shortNames: strings(raw.shortNames),
      categories: strings(raw.categories),
      subresources: [],
      storagePrefix: "",
    });
  }
  for (const { parent, sub } of subs) out.find((r) => r.plural === parent)?.subresources.push(sub);
  return out;
}
