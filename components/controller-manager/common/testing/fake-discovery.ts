// Legacy discovery for the fake API server (upstream apiserver pkg/endpoints/discovery, as
// client-go's fake discovery serves it): /api, /apis, /apis/<group> and one APIResourceList per
// group-version, built from a resource table (lib/api/resources.ts by default).

import type { ResourceInfo } from "../../../../lib/api/resources.ts";

function groupVersions(resources: readonly ResourceInfo[], group: string): string[] {
  const versions: string[] = [];
  for (const r of resources) if (r.group === group && !versions.includes(r.version)) versions.push(r.version);
  return versions;
}

function apiGroup(resources: readonly ResourceInfo[], name: string): object {
  const versions = groupVersions(resources, name).map((version) => ({
    groupVersion: `${name}/${version}`,
    version,
  }));
  return { kind: "APIGroup", apiVersion: "v1", name, versions, preferredVersion: versions[0] };
}

function resourceList(
  resources: readonly ResourceInfo[],
  group: string,
  version: string,
): object | undefined {
  const served = resources.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const entries: object[] = [];
  for (const r of served) {
    entries.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const s of r.subresources) {
      entries.push({
        name: `${r.plural}/${s.name}`,
        singularName: "",
        namespaced: r.namespaced,
        kind: s.kind?.kind ?? r.kind,
        verbs: s.verbs,
      });
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources: entries,
  };
}

/**
 * The discovery document at `path`, undefined when `path` is a discovery path that is not served
 * (404), or null when it is no discovery path at all (a resource path).
 */
export function discoveryDocument(
  resources: readonly ResourceInfo[],
  path: string,
): object | undefined | null {
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "api") {
    if (parts.length === 1) return { kind: "APIVersions", versions: groupVersions(resources, "") };
    return parts.length === 2 ? resourceList(resources, "", parts[1] ?? "") : null;
  }
  if (parts[0] !== "apis") return null;
  if (parts.length === 1) {
    const groups: string[] = [];
    for (const r of resources) if (r.group !== "" && !groups.includes(r.group)) groups.push(r.group);
    return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map((g) => apiGroup(resources, g)) };
  }
  const group = parts[1] ?? "";
  if (parts.length === 2)
    return groupVersions(resources, group).length ? apiGroup(resources, group) : undefined;
  return parts.length === 3 ? resourceList(resources, group, parts[2] ?? "") : null;
}
