// Where the kubelet reads ConfigMaps and Secrets for env and volumes: the API server when
// joined, nothing when standalone (upstream: static pods cannot reference API objects).

import type { ConfigMap, Secret } from "kubernetes-types/core/v1";

export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

export const NO_OBJECTS: ObjectSource = {
  configMap: async () => undefined,
  secret: async () => undefined,
};
