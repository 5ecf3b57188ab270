// API discovery, both forms kubectl understands: legacy (/api, /apis, and one
// APIResourceList per group-version) and aggregated v2 (APIGroupDiscoveryList, chosen by the
// Accept header). Only what is served is advertised. Upstream: k8s.io/apiserver
// pkg/endpoints/discovery and discovery/aggregated.
import { groupVersion, type ResourceInfo } from "../../lib/api/resources.ts";
import { resourceStorageVersionHash } from "./storage-version-hash.ts";

export const AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

export interface GroupVersions {
  name: string;
  /** Preferred first. */
  versions: string[];
}

/** Groups in first-seen order of the resource list, each with its versions in order. */
export function groupsOf(resources: ResourceInfo[]): GroupVersions[] {
  const out: GroupVersions[] = [];
  for (const r of resources) {
    let g = out.find((x) => x.name === r.group);
    if (!g) {
      g = { name: r.group, versions: [] };
      out.push(g);
    }
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  return out;
}

/** Which aggregated format the Accept header asks for, if any. */
export function wantsAggregated(accept: string | null): "v2" | "v2beta1" | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(",")) {
    const p = part.replace(/\s+/g, "");
    if (!p.includes("g=apidiscovery.k8s.io") || !p.includes("as=APIGroupDiscoveryList")) continue;
    if (p.includes("v=v2beta1")) return "v2beta1";
    if (p.includes("v=v2")) return "v2";
  }
  return undefined;
}

export function aggregatedContentType(v: "v2" | "v2beta1"): string {
  return v === "v2" ? AGGREGATED_V2 : AGGREGATED_V2BETA1;
}

export function aggregatedList(resources: ResourceInfo[], core: boolean, v: "v2" | "v2beta1"): object {
  const groups = groupsOf(resources).filter((g) => (g.name === "") === core);
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${v}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.name ? { name: g.name } : {},
      versions: g.versions.map((version) => ({
        version,
        freshness: "Current",
        resources: resources
          .filter((r) => r.group === g.name && r.version === version)
          .map((r) => {
            const entry: Record<string, unknown> = {
              resource: r.plural,
              responseKind: { group: r.group, version: r.version, kind: r.kind },
              scope: r.namespaced ? "Namespaced" : "Cluster",
              singularResource: r.singular,
              verbs: r.verbs,
            };
            if (r.shortNames.length) entry.shortNames = r.shortNames;
            if (r.categories.length) entry.categories = r.categories;
            if (r.subresources.length) {
              entry.subresources = r.subresources.map((s) => ({
                subresource: s.name,
                ...(s.kind ? { responseKind: s.kind } : {}),
                verbs: s.verbs,
              }));
            }
            return entry;
          }),
      })),
    })),
  };
}

export function legacyVersions(serverAddress: string): object {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

export function apiGroupList(resources: ResourceInfo[]): object {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groupsOf(resources)
      .filter((g) => g.name !== "")
      .map(apiGroup),
  };
}

export function apiGroup(g: GroupVersions): object {
  const versions = g.versions.map((version) => ({ groupVersion: `${g.name}/${version}`, version }));
  return { kind: "APIGroup", apiVersion: "v1", name: g.name, versions, preferredVersion: versions[0] };
}

export function apiResourceList(
  resources: ResourceInfo[],
  group: string,
  version: string,
): object | undefined {
  const rs = resources.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const list: Record<string, unknown>[] = [];
  for (const r of rs) {
    const entry: Record<string, unknown> = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories.length) entry.categories = r.categories;
    const hash = resourceStorageVersionHash(r, resources);
    if (hash) entry.storageVersionHash = hash;
    list.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = {
        name: `${r.plural}/${s.name}`,
        singularName: "",
        namespaced: r.namespaced,
        kind: s.kind?.kind ?? r.kind,
        verbs: s.verbs,
      };
      if (s.kind && (s.kind.group !== r.group || s.kind.version !== r.version)) {
        sub.group = s.kind.group;
        sub.version = s.kind.version;
      }
      list.push(sub);
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersion({ group, version }),
    resources: list,
  };
}
