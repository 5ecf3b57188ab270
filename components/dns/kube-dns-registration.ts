// Publishes the host-run DNS server as Service kube-system/kube-dns (what kubeadm's CoreDNS addon
// creates, selector-less here because no pod backs it) with an Endpoints and an EndpointSlice at
// the server's own address and port, so pods reach it through the ClusterIP and cluster-info lists it.

import type { Endpoints, Namespace, Service, ServicePort } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { type ApiClient, isStatus } from "../../lib/client/api-client.ts";
import { type ResourceClient, resource } from "../../lib/client/resource-client.ts";

export const KUBE_DNS_NAMESPACE = "kube-system";
export const KUBE_DNS_NAME = "kube-dns";
/** The EndpointSlice's managed-by label: ours, so the endpointslice controller leaves it alone. */
export const KUBE_DNS_MANAGED_BY = "kube-dns.kube";

export interface KubeDnsRegistration {
  client: ApiClient;
  clusterIP: string;
  /** The address pods reach the server at (the node's), and the port it listens on. */
  advertiseAddress: string;
  port: number;
}

const labels = {
  "k8s-app": "kube-dns",
  "kubernetes.io/cluster-service": "true",
  "kubernetes.io/name": "CoreDNS",
};

/** A resource in the kube-dns namespace. */
const inDnsNamespace = <T>(client: ApiClient, plural: string): ResourceClient<T> =>
  resource<T>(client, plural).namespace(KUBE_DNS_NAMESPACE);

/** Creates the object, or replaces the fields we own when they differ; 409s from races retry once. */
async function upsert<T extends { metadata?: { resourceVersion?: string } }>(
  objects: ResourceClient<T>,
  name: string,
  desired: T,
  same: (current: T) => boolean,
  merge: (current: T) => T,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const current = await objects.getIfExists(name);
      if (!current) await objects.create(desired);
      else if (!same(current)) await objects.update(merge(current));
      return;
    } catch (error) {
      if (attempt < 2 && isStatus(error, 409)) continue;
      throw error;
    }
  }
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function hasLabels(
  current: { metadata?: { labels?: Record<string, string> } },
  want: Record<string, string>,
): boolean {
  return Object.entries(want).every(([k, v]) => current.metadata?.labels?.[k] === v);
}

export async function registerKubeDns(options: KubeDnsRegistration): Promise<void> {
  const { client, clusterIP, advertiseAddress, port } = options;
  const namespace: Namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: KUBE_DNS_NAMESPACE },
  };
  try {
    await resource(client, "namespaces").create(namespace);
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }

  const ports: ServicePort[] = [
    { name: "dns", port: 53, protocol: "UDP", targetPort: port },
    { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: port },
  ];
  const service: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: KUBE_DNS_NAME, namespace: KUBE_DNS_NAMESPACE, labels },
    spec: { clusterIP, ports, type: "ClusterIP" },
  };
  const services = inDnsNamespace<Service>(client, "services");
  const existing = await services.getIfExists(KUBE_DNS_NAME);
  if (existing && existing.spec?.clusterIP !== clusterIP) {
    // spec.clusterIP is immutable: a service at another address has to go first.
    await services.delete(KUBE_DNS_NAME);
  }
  const portsOf = (s: Service) =>
    json((s.spec?.ports ?? []).map((p) => [p.name, p.port, p.protocol, p.targetPort]));
  await upsert<Service>(
    services,
    KUBE_DNS_NAME,
    service,
    (current) =>
      hasLabels(current, labels) &&
      portsOf(current) === portsOf(service) &&
      Object.keys(current.spec?.selector ?? {}).length === 0,
    (current) => ({
      ...current,
      metadata: { ...current.metadata, labels: { ...current.metadata?.labels, ...labels } },
      spec: { ...current.spec, ports, selector: undefined },
    }),
  );

  const endpoints: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: KUBE_DNS_NAME, namespace: KUBE_DNS_NAMESPACE, labels },
    subsets: [
      {
        addresses: [{ ip: advertiseAddress }],
        ports: [
          { name: "dns", port, protocol: "UDP" },
          { name: "dns-tcp", port, protocol: "TCP" },
        ],
      },
    ],
  };
  await upsert<Endpoints>(
    inDnsNamespace(client, "endpoints"),
    KUBE_DNS_NAME,
    endpoints,
    (current) => hasLabels(current, labels) && json(current.subsets) === json(endpoints.subsets),
    (current) => ({ ...current, metadata: { ...current.metadata, labels }, subsets: endpoints.subsets }),
  );

  const sliceLabels = {
    ...labels,
    "kubernetes.io/service-name": KUBE_DNS_NAME,
    "endpointslice.kubernetes.io/managed-by": KUBE_DNS_MANAGED_BY,
  };
  const slice: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: KUBE_DNS_NAME, namespace: KUBE_DNS_NAMESPACE, labels: sliceLabels },
    addressType: advertiseAddress.includes(":") ? "IPv6" : "IPv4",
    endpoints: [
      { addresses: [advertiseAddress], conditions: { ready: true, serving: true, terminating: false } },
    ],
    ports: [
      { name: "dns", port, protocol: "UDP" },
      { name: "dns-tcp", port, protocol: "TCP" },
    ],
  };
  await upsert<EndpointSlice>(
    inDnsNamespace(client, "endpointslices.discovery.k8s.io"),
    KUBE_DNS_NAME,
    slice,
    (current) =>
      hasLabels(current, sliceLabels) &&
      json([current.addressType, current.endpoints, current.ports]) ===
        json([slice.addressType, slice.endpoints, slice.ports]),
    (current) => ({
      ...current,
      metadata: { ...current.metadata, labels: sliceLabels },
      endpoints: slice.endpoints,
      ports: slice.ports,
    }),
  );
}

/** Removes the Endpoints and EndpointSlice (the server is going away); the Service stays. */
export async function unregisterKubeDns(client: ApiClient): Promise<void> {
  for (const plural of ["endpoints", "endpointslices.discovery.k8s.io"]) {
    try {
      await inDnsNamespace(client, plural).delete(KUBE_DNS_NAME);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }
}
