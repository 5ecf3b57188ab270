// The endpoints a Service's EndpointSlices should hold (upstream pkg/controller/endpointslice
// reconciler.go + staging/src/k8s.io/endpointslice/utils.go podToEndpoint, getEndpointPorts):
// one endpoint per pod with ready/serving/terminating conditions, grouped by the ports each pod
// resolves (named targetPorts differ per pod), in a canonical order for comparison.

import type { Pod, Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort } from "kubernetes-types/discovery/v1";
import { isPodReady } from "../common/pod-predicates.ts";
import { findPort, shouldPodBeInEndpoints, shouldSetHostname } from "../endpoints/pod-endpoints.ts";

export interface PortGroup {
  /** Canonical key of `ports` (the same for slices that carry the same ports). */
  key: string;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

const canonicalPort = (p: EndpointPort): EndpointPort => ({
  name: p.name ?? "",
  port: p.port,
  protocol: p.protocol ?? "TCP",
  appProtocol: p.appProtocol,
});

export function portsKey(ports: readonly EndpointPort[] | undefined): string {
  return JSON.stringify(
    (ports ?? [])
      .map(canonicalPort)
      .map((p) => [p.name, p.port, p.protocol, p.appProtocol ?? ""])
      .sort(),
  );
}

export function canonicalEndpoint(e: Endpoint): Endpoint {
  return {
    addresses: [...e.addresses],
    conditions: {
      ready: e.conditions?.ready,
      serving: e.conditions?.serving,
      terminating: e.conditions?.terminating,
    },
    hostname: e.hostname || undefined,
    targetRef: e.targetRef
      ? {
          kind: e.targetRef.kind,
          namespace: e.targetRef.namespace,
          name: e.targetRef.name,
          uid: e.targetRef.uid,
        }
      : undefined,
    nodeName: e.nodeName || undefined,
    zone: e.zone || undefined,
  };
}

const endpointKey = (e: Endpoint) => `${e.addresses[0] ?? ""}/${e.targetRef?.uid ?? ""}`;

/** Endpoints in canonical form and order, for comparing a slice with what it should hold. */
export function canonicalEndpoints(endpoints: readonly Endpoint[] | undefined): string {
  const list = (endpoints ?? []).map(canonicalEndpoint);
  list.sort((a, b) => (endpointKey(a) < endpointKey(b) ? -1 : endpointKey(a) > endpointKey(b) ? 1 : 0));
  return JSON.stringify(list);
}

function podToEndpoint(pod: Pod, service: Service): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // "ready" is never true for a terminating pod, unless the service publishes not-ready addresses.
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  return {
    addresses: [pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip ?? ""],
    conditions: { ready, serving, terminating },
    hostname: shouldSetHostname(pod, service) ? pod.spec?.hostname : undefined,
    targetRef: {
      kind: "Pod",
      namespace: pod.metadata?.namespace,
      name: pod.metadata?.name,
      uid: pod.metadata?.uid,
    },
    nodeName: pod.spec?.nodeName || undefined,
  };
}

/** The pods' endpoints grouped by resolved ports, each group sorted; IPv4 only. */
export function desiredPortGroups(service: Service, pods: readonly Pod[]): PortGroup[] {
  const groups = new Map<string, PortGroup>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    if ((pod.status?.podIP ?? "").includes(":")) continue;
    const ports: EndpointPort[] = [];
    for (const servicePort of service.spec?.ports ?? []) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      ports.push(
        canonicalPort({
          name: servicePort.name ?? "",
          port,
          protocol: servicePort.protocol ?? "TCP",
          appProtocol: servicePort.appProtocol,
        }),
      );
    }
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) {
      group = { key, ports, endpoints: [] };
      groups.set(key, group);
    }
    group.endpoints.push(podToEndpoint(pod, service));
  }
  for (const group of groups.values()) {
    group.endpoints = group.endpoints
      .map(canonicalEndpoint)
      .sort((a, b) => (endpointKey(a) < endpointKey(b) ? -1 : endpointKey(a) > endpointKey(b) ? 1 : 0));
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
