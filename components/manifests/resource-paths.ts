// Where an object of a given apiVersion and kind lives in the API, from discovery (/api/v1,
// /apis/<group>/<version>), as kubectl's REST mapper finds it; CRDs appear once established.

import { resourcePath } from "../../lib/api/resource-path.ts";
import { parseApiVersion } from "../../lib/api/resources.ts";
import type { ApiClient } from "../../lib/client/api-client.ts";

interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export class ResourcePaths {
  private readonly client: ApiClient;
  private readonly groups = new Map<string, DiscoveredResource[]>();

  constructor(client: ApiClient) {
    this.client = client;
  }

  /** The object's path; throws naming the kind when the API does not serve it. */
  async objectPath(apiVersion: string, kind: string, name: string, namespace: unknown): Promise<string> {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let resource = (await this.resources(base, false)).find((r) => r.kind === kind);
    // A CRD created a moment ago: read discovery again before giving up.
    resource ??= (await this.resources(base, true)).find((r) => r.kind === kind);
    if (!resource) throw new Error(`the API serves no kind ${kind} in ${apiVersion}`);
    const ns = typeof namespace === "string" && namespace ? namespace : "default";
    const { group, version } = parseApiVersion(apiVersion);
    return resourcePath(
      { group, version, plural: resource.name, namespaced: resource.namespaced },
      { namespace: ns, name },
    );
  }

  private async resources(base: string, refresh: boolean): Promise<DiscoveredResource[]> {
    const cached = this.groups.get(base);
    if (cached && !refresh) return cached;
    let resources: DiscoveredResource[] = [];
    try {
      const list = await this.client.get<{ resources?: DiscoveredResource[] }>(base);
      resources = (list.resources ?? []).filter((r) => !r.name.includes("/"));
    } catch {
      // an unknown group/version: no resources
    }
    this.groups.set(base, resources);
    return resources;
  }
}
