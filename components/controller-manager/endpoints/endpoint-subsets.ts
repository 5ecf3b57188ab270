// A Service's Endpoints subsets from its pods (upstream pkg/controller/endpoint
// syncService + pkg/api/v1/endpoints RepackSubsets): ready and not-ready addresses per port, ports
// resolved per pod, then regrouped so addresses sharing the same ports share a subset. Output is
// canonical (sorted like the apiserver sorts on write), so equal endpoints compare equal.

import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from "kubernetes-types/core/v1";
import { isPodReady } from "../common/pod-predicates.ts";
import { findPort, isHeadless, shouldPodBeInEndpoints, shouldSetHostname } from "./pod-endpoints.ts";

interface Entry {
  address: EndpointAddress;
  ready: boolean;
}

function address(pod: Pod, service: Service): EndpointAddress {
  return {
    ip: pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip ?? "",
    hostname: shouldSetHostname(pod, service) ? pod.spec?.hostname : undefined,
    nodeName: pod.spec?.nodeName || undefined,
    targetRef: {
      kind: "Pod",
      namespace: pod.metadata?.namespace,
      name: pod.metadata?.name,
      uid: pod.metadata?.uid,
    },
  };
}

const canonicalAddress = (a: EndpointAddress): EndpointAddress => ({
  ip: a.ip,
  hostname: a.hostname || undefined,
  nodeName: a.nodeName || undefined,
  targetRef: a.targetRef
    ? {
        kind: a.targetRef.kind,
        namespace: a.targetRef.namespace,
        name: a.targetRef.name,
        uid: a.targetRef.uid,
      }
    : undefined,
});

const canonicalPort = (p: EndpointPort): EndpointPort => ({
  name: p.name || undefined,
  port: p.port,
  protocol: p.protocol ?? "TCP",
  appProtocol: p.appProtocol,
});

/** The apiserver's order: IP (bytewise), then target UID. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? "";
  const ub = b.targetRef?.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

const portKey = (p: EndpointPort) =>
  `${p.name ?? ""}/${p.port}/${p.protocol ?? "TCP"}/${p.appProtocol ?? ""}`;

/** Subsets in a canonical form: fields in a fixed order, addresses, ports and subsets sorted. */
export function canonicalSubsets(subsets: readonly EndpointSubset[] | undefined): EndpointSubset[] {
  const out = (subsets ?? []).map((s) => {
    const addresses = (s.addresses ?? []).map(canonicalAddress).sort(compareAddresses);
    const notReady = (s.notReadyAddresses ?? []).map(canonicalAddress).sort(compareAddresses);
    const ports = (s.ports ?? []).map(canonicalPort).sort((a, b) => (portKey(a) < portKey(b) ? -1 : 1));
    return {
      addresses: addresses.length ? addresses : undefined,
      notReadyAddresses: notReady.length ? notReady : undefined,
      ports: ports.length ? ports : undefined,
    };
  });
  const key = (s: EndpointSubset) => JSON.stringify([s.ports, s.addresses?.[0], s.notReadyAddresses?.[0]]);
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function subsetsEqual(
  a: readonly EndpointSubset[] | undefined,
  b: readonly EndpointSubset[] | undefined,
) {
  return JSON.stringify(canonicalSubsets(a)) === JSON.stringify(canonicalSubsets(b));
}

/** The subsets of `service` over the pods its selector picked. */
export function desiredSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const servicePorts = service.spec?.ports ?? [];
  // port key -> (address key -> entry); a headless service without ports uses one empty port set.
  const byPort = new Map<string, { port: EndpointPort | undefined; entries: Map<string, Entry> }>();
  const add = (port: EndpointPort | undefined, entry: Entry): void => {
    const key = port ? portKey(port) : "";
    let group = byPort.get(key);
    if (!group) {
      group = { port, entries: new Map() };
      byPort.set(key, group);
    }
    group.entries.set(`${entry.address.ip}/${entry.address.targetRef?.uid}`, entry);
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const entry = { address: address(pod, service), ready: publishNotReady || isPodReady(pod) };
    if (servicePorts.length === 0) {
      if (isHeadless(service)) add(undefined, entry);
      continue;
    }
    for (const servicePort of servicePorts) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      add(
        {
          name: servicePort.name,
          port,
          protocol: servicePort.protocol ?? "TCP",
          appProtocol: servicePort.appProtocol,
        },
        entry,
      );
    }
  }
  // RepackSubsets: ports whose address sets are identical share one subset.
  const bySignature = new Map<string, { entries: Entry[]; ports: EndpointPort[] }>();
  for (const { port, entries } of byPort.values()) {
    const list = [...entries.values()];
    const signature = list
      .map((e) => `${e.address.ip}/${e.address.targetRef?.uid}/${e.ready}`)
      .sort()
      .join(",");
    let subset = bySignature.get(signature);
    if (!subset) {
      subset = { entries: list, ports: [] };
      bySignature.set(signature, subset);
    }
    if (port) subset.ports.push(port);
  }
  return canonicalSubsets(
    [...bySignature.values()].map(({ entries, ports }) => ({
      addresses: entries.filter((e) => e.ready).map((e) => e.address),
      notReadyAddresses: entries.filter((e) => !e.ready).map((e) => e.address),
      ports,
    })),
  );
}
