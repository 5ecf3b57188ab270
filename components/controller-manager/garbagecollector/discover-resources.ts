// Discovery for generic controllers (client-go discovery.ServerPreferredResources): every
// top-level resource the apiserver serves, in each group's preferred version, with its verbs.
// A group that fails to answer is reported, not fatal (upstream ErrGroupDiscoveryFailed).

import { resourcePath } from "../../../lib/api/resource-path.ts";
import type { ApiClient } from "../../../lib/client/api-client.ts";

export interface ApiResource {
  group: string;
  version: string;
  /** Plural, e.g. "replicasets". */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

export interface Discovery {
  resources: ApiResource[];
  /** Group-versions that could not be discovered, with the reason. */
  failed: Map<string, string>;
}

interface ResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

interface GroupList {
  groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[];
}

/** "apps/v1" or "v1". */
export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The URL of a resource's collection, in a namespace or across all of them. */
export function collectionPath(r: ApiResource, namespace?: string): string {
  return resourcePath({ ...r, plural: r.resource }, { namespace });
}

/** The URL of one object of a resource. */
export function objectPath(r: ApiResource, namespace: string | undefined, name: string): string {
  return resourcePath({ ...r, plural: r.resource }, { namespace, name });
}

export async function discoverResources(client: ApiClient): Promise<Discovery> {
  const failed = new Map<string, string>();
  const groupVersions: { group: string; version: string; path: string }[] = [
    { group: "", version: "v1", path: "/api/v1" },
  ];
  try {
    const groups = await client.get<GroupList>("/apis");
    for (const g of groups.groups ?? []) {
      const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
      if (version) groupVersions.push({ group: g.name, version, path: `/apis/${g.name}/${version}` });
    }
  } catch (error) {
    failed.set("/apis", (error as Error).message);
  }
  const lists = await Promise.all(
    groupVersions.map(async (gv) => {
      try {
        return { gv, list: await client.get<ResourceList>(gv.path) };
      } catch (error) {
        failed.set(apiVersionOf(gv), (error as Error).message);
        return { gv, list: {} as ResourceList };
      }
    }),
  );
  const resources: ApiResource[] = [];
  for (const { gv, list } of lists) {
    for (const r of list.resources ?? []) {
      if (r.name.includes("/")) continue;
      resources.push({
        group: gv.group,
        version: gv.version,
        resource: r.name,
        kind: r.kind,
        namespaced: r.namespaced,
        verbs: r.verbs ?? [],
      });
    }
  }
  return { resources, failed };
}

/** Resources supporting every one of `verbs` (discovery.SupportsAllVerbs). */
export function withVerbs(resources: ApiResource[], verbs: string[]): ApiResource[] {
  return resources.filter((r) => verbs.every((v) => r.verbs.includes(v)));
}
