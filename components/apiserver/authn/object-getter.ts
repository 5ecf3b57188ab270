// How token authenticators see the objects a token is bound to (upstream's
// ServiceAccountTokenGetter): ServiceAccounts, Pods, Secrets and Nodes read straight from the
// apiserver's registry, so a deleted object invalidates its tokens at once.
import type { KObject } from "../registry/object.ts";
import type { Registry } from "../registry/registry.ts";

export type BoundResource = "serviceaccounts" | "pods" | "secrets" | "nodes";

export interface ObjectGetter {
  /** The object, or undefined when it does not exist. */
  get(resource: BoundResource, namespace: string, name: string): Promise<KObject | undefined>;
}

export function registryObjectGetter(registry: Registry): ObjectGetter {
  return {
    async get(resource, namespace, name) {
      if (!name) return undefined;
      const entry = registry.lookup("", "v1", resource);
      if (!entry) return undefined;
      return (await entry.store.current(resource === "nodes" ? "" : namespace, name))?.obj;
    },
  };
}
