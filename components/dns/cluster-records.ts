// What cluster DNS knows about the cluster (CoreDNS kubernetes plugin's object cache): Namespaces,
// Services by namespace/name, their EndpointSlices (label kubernetes.io/service-name), and a reverse
// index of ClusterIPs and ready endpoint addresses to the names they answer PTR queries with.

import type { Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort, EndpointSlice } from "kubernetes-types/discovery/v1";

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** One ready endpoint address of a service, with the name it has in DNS. */
export interface ReadyAddress {
  ip: string;
  /** The endpoint's hostname, else its IP with dashes (CoreDNS's endpointHostname). */
  host: string;
  /** The ports of the slice the address came from (target ports). */
  ports: readonly EndpointPort[];
}

function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ""}/${name ?? ""}`;
}

/** "10.0.0.1" -> "10-0-0-1", "fd00::1" -> "fd00--1", as upstream names endpoints and pods. */
export function dashed(ip: string): string {
  return ip.replaceAll(".", "-").replaceAll(":", "-");
}

function ready(endpoint: Endpoint): boolean {
  // An unset condition means ready (discovery/v1 API semantics).
  return endpoint.conditions?.ready !== false;
}

export function clusterIPs(service: Service): string[] {
  const spec = service.spec ?? {};
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip !== "None" && ip !== "");
}

export class ClusterRecords {
  private readonly services = new Map<string, Service>();
  /** Service key -> slice key -> slice. */
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();
  private readonly namespaceCounts = new Map<string, number>();
  private readonly namespaces = new Set<string>();
  private reverseIndex: Map<string, string> | undefined;
  /** Seconds since the epoch of the last change: the zone's SOA serial, as CoreDNS's. */
  serial = Math.floor(Date.now() / 1000);

  constructor(readonly domain: string) {}

  private changed(): void {
    this.reverseIndex = undefined;
    this.serial = Math.max(this.serial, Math.floor(Date.now() / 1000));
  }

  setNamespace(name: string): void {
    this.namespaces.add(name);
  }

  deleteNamespace(name: string): void {
    this.namespaces.delete(name);
  }

  setService(service: Service): void {
    const key = keyOf(service.metadata?.namespace, service.metadata?.name);
    if (!this.services.has(key)) {
      const ns = service.metadata?.namespace ?? "";
      this.namespaceCounts.set(ns, (this.namespaceCounts.get(ns) ?? 0) + 1);
    }
    this.services.set(key, service);
    this.changed();
  }

  deleteService(service: Service): void {
    const key = keyOf(service.metadata?.namespace, service.metadata?.name);
    if (!this.services.delete(key)) return;
    const ns = service.metadata?.namespace ?? "";
    const count = (this.namespaceCounts.get(ns) ?? 1) - 1;
    if (count > 0) this.namespaceCounts.set(ns, count);
    else this.namespaceCounts.delete(ns);
    this.changed();
  }

  setSlice(slice: EndpointSlice): void {
    const owner = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!owner) return;
    const key = keyOf(slice.metadata?.namespace, owner);
    let slices = this.slices.get(key);
    if (!slices) {
      slices = new Map();
      this.slices.set(key, slices);
    }
    slices.set(slice.metadata?.name ?? "", slice);
    this.changed();
  }

  deleteSlice(slice: EndpointSlice): void {
    const owner = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!owner) return;
    const key = keyOf(slice.metadata?.namespace, owner);
    const slices = this.slices.get(key);
    if (!slices?.delete(slice.metadata?.name ?? "")) return;
    if (slices.size === 0) this.slices.delete(key);
    this.changed();
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(keyOf(namespace, name));
  }

  /** Whether the namespace exists (or, for records filled without Namespaces, has a service). */
  hasNamespace(namespace: string): boolean {
    return this.namespaces.has(namespace) || this.namespaceCounts.has(namespace);
  }

  /** The ready addresses of a service's EndpointSlices, one entry per (slice, address). */
  readyAddresses(namespace: string, name: string): ReadyAddress[] {
    const result: ReadyAddress[] = [];
    for (const slice of this.slices.get(keyOf(namespace, name))?.values() ?? []) {
      if (slice.addressType === "FQDN") continue;
      for (const endpoint of slice.endpoints ?? []) {
        if (!ready(endpoint)) continue;
        for (const ip of endpoint.addresses ?? []) {
          result.push({ ip, host: endpoint.hostname || dashed(ip), ports: slice.ports ?? [] });
        }
      }
    }
    return result;
  }

  /** The name a PTR query for `ip` answers with: the service for a ClusterIP, else the endpoint's. */
  reverse(ip: string): string | undefined {
    this.reverseIndex ??= this.buildReverseIndex();
    return this.reverseIndex.get(ip);
  }

  private buildReverseIndex(): Map<string, string> {
    const index = new Map<string, string>();
    const endpointNames = new Map<string, string>();
    for (const service of this.services.values()) {
      const ns = service.metadata?.namespace ?? "";
      const name = service.metadata?.name ?? "";
      const fqdn = `${name}.${ns}.svc.${this.domain}`;
      for (const ip of clusterIPs(service)) if (!index.has(ip)) index.set(ip, fqdn);
      for (const address of this.readyAddresses(ns, name)) {
        if (!endpointNames.has(address.ip)) endpointNames.set(address.ip, `${address.host}.${fqdn}`);
      }
    }
    // ClusterIPs win over endpoint addresses, as CoreDNS's serviceRecordForIP looks them up first.
    for (const [ip, fqdn] of endpointNames) if (!index.has(ip)) index.set(ip, fqdn);
    return index;
  }
}
