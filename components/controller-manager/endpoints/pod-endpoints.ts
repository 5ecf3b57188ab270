// What a Service's endpoints take from a Pod, shared by the endpoints and endpointslice
// controllers (upstream staging/src/k8s.io/endpointslice/util: ShouldPodBeInEndpoints,
// ShouldSetHostname; pkg/api/v1/pod FindPort; GetPodServiceMemberships).

import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import { isPodReady, isPodTerminal } from "../common/pod-predicates.ts";

/** A pod with an IP that is not finished; a terminating one only when `includeTerminating`. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** The pod's hostname goes on its address when it names this service as its subdomain. */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return (
    !!pod.spec?.hostname &&
    pod.spec.subdomain === service.metadata?.name &&
    pod.metadata?.namespace === service.metadata?.namespace
  );
}

/**
 * The container port a service port reaches on this pod: a named targetPort is looked up among
 * the pod's container ports of that protocol (each pod may number it differently); a number is
 * used as is; no targetPort means the service port. Undefined when the name is not found.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? "TCP";
  const containers = [
    ...(pod.spec?.containers ?? []),
    // Restartable init containers (sidecars) serve ports too.
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
  ];
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? "TCP") === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/** A service with a non-empty selector (the controllers leave selector-less services alone). */
export function serviceSelector(service: Service): Record<string, string> | undefined {
  const selector = service.spec?.selector;
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

export function selectsPod(selector: Record<string, string>, pod: Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function isHeadless(service: Service): boolean {
  return service.spec?.clusterIP === "None";
}

/** The part of a pod its endpoints depend on: an update that leaves it alone needs no sync. */
export function endpointsView(pod: Pod): string {
  return JSON.stringify([
    pod.metadata?.labels,
    pod.metadata?.deletionTimestamp,
    pod.spec?.nodeName,
    pod.spec?.hostname,
    pod.spec?.subdomain,
    pod.spec?.containers?.map((c) => c.ports),
    pod.status?.podIP,
    pod.status?.phase,
    isPodReady(pod),
  ]);
}
