// Service and Endpoints columns: Type, Cluster-IP, External-IP (<pending>, <none>, LB ingress), Port(s), Endpoints.
// Upstream: pkg/printers/internalversion/printers.go (printService, getServiceExternalIP, makePortString, formatEndpoints).

import type { Endpoints, LoadBalancerStatus, Service, ServicePort } from "kubernetes-types/core/v1";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import { formatLabels, joinHostPort } from "./format.ts";

/** Ingress IPs (or hostnames), de-duplicated and sorted, comma-joined. The apiserver prints wide: no clipping. */
export function loadBalancerStatusString(status: LoadBalancerStatus | undefined): string {
  const result = new Set<string>();
  for (const ingress of status?.ingress ?? []) {
    if (ingress.ip) result.add(ingress.ip);
    else if (ingress.hostname) result.add(ingress.hostname);
  }
  return [...result].sort().join(",");
}

function externalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lbIPs = loadBalancerStatusString(svc.status?.loadBalancer);
      if (externalIPs.length > 0) return [...(lbIPs ? lbIPs.split(",") : []), ...externalIPs].join(",");
      return lbIPs || "<pending>";
    }
    case "ExternalName":
      return svc.spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

function portString(ports: readonly ServicePort[]): string {
  return ports
    .map((p) => {
      const protocol = p.protocol ?? "TCP";
      return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
    })
    .join(",");
}

export const servicePrinter = definePrinter<Service>(
  [
    nameColumn,
    column("Type", columnDescriptions.serviceType),
    column("Cluster-IP", columnDescriptions.clusterIP),
    column("External-IP", columnDescriptions.externalIPs),
    column("Port(s)", columnDescriptions.servicePorts),
    ageColumn,
    column("Selector", columnDescriptions.serviceSelector, { priority: 1 }),
  ],
  (svc, now) => {
    // clusterIPs is defaulted from clusterIP on write; fall back for objects stored before that.
    const clusterIP = svc.spec?.clusterIPs?.[0] ?? (svc.spec?.clusterIP || "<none>");
    return {
      cells: [
        svc.metadata?.name ?? "",
        svc.spec?.type ?? "",
        clusterIP,
        externalIP(svc),
        portString(svc.spec?.ports ?? []) || "<none>",
        age(svc.metadata?.creationTimestamp, now),
        formatLabels(svc.spec?.selector),
      ],
    };
  },
);

/** Up to three `ip:port` pairs (bare IPs for port-less subsets), then "+ N more...". */
export function formatEndpoints(endpoints: Endpoints): string {
  const subsets = endpoints.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      // headless services may have no ports
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(addr.ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(addr.ip, port.port));
      }
    }
  }
  const text = list.join(",");
  return more ? `${text} + ${count - max} more...` : text;
}

export const endpointsPrinter = definePrinter<Endpoints>(
  [nameColumn, column("Endpoints", columnDescriptions.endpointsSubsets), ageColumn],
  (ep, now) => ({
    cells: [ep.metadata?.name ?? "", formatEndpoints(ep), age(ep.metadata?.creationTimestamp, now)],
  }),
);
