// What the proxy programs, one entry per Service port (upstream pkg/proxy ServicePortInfo and
// endpointslicecache): VIPs, node port, affinity, and the ready endpoints from the service's
// EndpointSlices, each with the port number its slice resolved (targetPort by name, per pod).

import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

export type L4Protocol = "tcp" | "udp";

export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** On this proxy's node (externalTrafficPolicy: Local keeps only these). */
  local: boolean;
}

export interface ServicePort {
  /** "namespace/name/protocol/port": stable and unique, names chains and listeners. */
  id: string;
  /** "namespace/name:portName" for logs and comments. */
  display: string;
  protocol: L4Protocol;
  clusterIP: string;
  port: number;
  /** 0 when the service has none. */
  nodePort: number;
  /** status.loadBalancer.ingress IPs (and spec.externalIPs). */
  externalIPs: string[];
  /** ClientIP affinity timeout in seconds; undefined without affinity. */
  affinitySeconds: number | undefined;
  /** externalTrafficPolicy: Local (node port and external IPs use local endpoints only). */
  externalLocal: boolean;
  /** Ready endpoints, sorted by ip then port. */
  endpoints: ProxyEndpoint[];
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const DEFAULT_AFFINITY_SECONDS = 10_800;

function protocolOf(value: string | undefined): L4Protocol | undefined {
  const p = (value ?? "TCP").toUpperCase();
  return p === "TCP" ? "tcp" : p === "UDP" ? "udp" : undefined;
}

const isIPv4 = (ip: string | undefined): ip is string => !!ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip);

/** Ready endpoints of the slices for one service port, by port name and protocol. */
function endpointsFor(
  slices: readonly EndpointSlice[],
  portName: string,
  protocol: L4Protocol,
  nodeName: string,
): ProxyEndpoint[] {
  const seen = new Map<string, ProxyEndpoint>();
  for (const slice of slices) {
    if (slice.addressType !== "IPv4") continue;
    const port = (slice.ports ?? []).find(
      (p) => (p.name ?? "") === portName && protocolOf(p.protocol) === protocol,
    );
    if (port?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // Upstream: a nil ready condition means ready.
      if (endpoint.conditions?.ready === false) continue;
      const ip = endpoint.addresses[0];
      if (!isIPv4(ip)) continue;
      const key = `${ip}:${port.port}`;
      seen.set(key, { ip, port: port.port, local: endpoint.nodeName === nodeName });
    }
  }
  return [...seen.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

/** Groups slices by "namespace/service" through their service-name label. */
export function slicesByService(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const byService = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const name = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!name) continue;
    const key = `${slice.metadata?.namespace ?? ""}/${name}`;
    byService.set(key, [...(byService.get(key) ?? []), slice]);
  }
  return byService;
}

/**
 * Every proxied port of every service, sorted by id. Headless services (clusterIP None),
 * ExternalName services and services without a cluster IP yield nothing; SCTP and IPv6 are skipped.
 */
export function servicePorts(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  nodeName: string,
): ServicePort[] {
  const bySvc = slicesByService(slices);
  const result: ServicePort[] = [];
  for (const service of services) {
    const spec = service.spec;
    const clusterIP = spec?.clusterIP;
    if (!spec || spec.type === "ExternalName" || !isIPv4(clusterIP)) continue;
    const namespace = service.metadata?.namespace ?? "";
    const name = service.metadata?.name ?? "";
    const svcSlices = bySvc.get(`${namespace}/${name}`) ?? [];
    const affinitySeconds =
      spec.sessionAffinity === "ClientIP"
        ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS)
        : undefined;
    const externalIPs = [
      ...(service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip),
      ...(spec.externalIPs ?? []),
    ].filter(isIPv4);
    const nodePortsApply = spec.type === "NodePort" || spec.type === "LoadBalancer";
    for (const port of spec.ports ?? []) {
      const protocol = protocolOf(port.protocol);
      if (!protocol) continue;
      const portName = port.name ?? "";
      result.push({
        id: `${namespace}/${name}/${protocol}/${port.port}`,
        display: `${namespace}/${name}${portName ? `:${portName}` : ""}`,
        protocol,
        clusterIP,
        port: port.port,
        nodePort: nodePortsApply ? (port.nodePort ?? 0) : 0,
        externalIPs: spec.type === "LoadBalancer" || spec.externalIPs ? [...new Set(externalIPs)] : [],
        affinitySeconds,
        externalLocal: spec.externalTrafficPolicy === "Local",
        endpoints: endpointsFor(svcSlices, portName, protocol, nodeName),
      });
    }
  }
  return result.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
