// Where the kubelet reads ConfigMaps, Secrets and Services for env and volumes, and asks for
// ServiceAccount tokens: the API server when joined, nothing when standalone (upstream: static
// pods cannot reference API objects, and a kubelet without an API server sets no service variables).

import type { ConfigMap, Secret, Service } from "kubernetes-types/core/v1";

export interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds: number;
  boundObjectRef?: { kind: string; apiVersion: string; name: string; uid: string };
}

export interface ServiceAccountToken {
  token: string;
  /** When the kubelet should ask again (upstream: 80% of the TTL or 24 h). */
  refreshAt: Date;
}

export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /**
   * Every Service in the cluster, once read at least once (upstream's service lister); with
   * `waitForSync: false` (static pods) whatever is known now, maybe nothing.
   */
  services(options?: { waitForSync?: boolean }): Promise<Service[]>;
  /** A token for the account (TokenRequest through the kubelet's token cache); absent standalone. */
  serviceAccountToken?(namespace: string, name: string, spec: TokenRequestSpec): Promise<ServiceAccountToken>;
}

export const NO_OBJECTS: ObjectSource = {
  configMap: async () => undefined,
  secret: async () => undefined,
  services: async () => [],
};
