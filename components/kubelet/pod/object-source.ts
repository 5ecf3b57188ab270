// Where the kubelet reads ConfigMaps, Secrets and Services for env and volumes: the API server
// when joined, nothing when standalone (upstream: static pods cannot reference API objects, and
// a kubelet without an API server sets no service variables).

import type { ConfigMap, Secret, Service } from "kubernetes-types/core/v1";

export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** Every Service in the cluster, once read at least once (upstream's service lister). */
  services(): Promise<Service[]>;
}

export const NO_OBJECTS: ObjectSource = {
  configMap: async () => undefined,
  secret: async () => undefined,
  services: async () => [],
};
