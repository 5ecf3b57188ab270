// Kind to resource mapping from discovery (client-go restmapper.DeferredDiscoveryRESTMapper):
// an ownerReference names apiVersion and kind; the collector needs the resource's URL and scope.

import { type ApiResource, objectPath } from "./discover-resources.ts";

export class RestMapper {
  private readonly byGroupKind = new Map<string, ApiResource[]>();

  constructor(resources: ApiResource[]) {
    for (const r of resources) {
      const key = `${r.group}/${r.kind}`;
      const list = this.byGroupKind.get(key) ?? [];
      list.push(r);
      this.byGroupKind.set(key, list);
    }
  }

  /** The resource serving `kind` in apiVersion's group: that version if served, else the preferred one. */
  resourceFor(apiVersion: string, kind: string): ApiResource | undefined {
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const candidates = this.byGroupKind.get(`${group}/${kind}`) ?? [];
    return candidates.find((r) => r.version === version) ?? candidates[0];
  }

  /** The URL of an object named by apiVersion, kind, namespace and name, or undefined if unmapped. */
  pathFor(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): string | undefined {
    const resource = this.resourceFor(ref.apiVersion, ref.kind);
    return resource
      ? objectPath(resource, resource.namespaced ? ref.namespace : undefined, ref.name)
      : undefined;
  }
}
