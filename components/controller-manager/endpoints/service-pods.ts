// What the endpoints and endpointslice controllers both take from a Service (upstream
// pkg/controller/endpoint and endpointslice: the selector's pods, and the labels the objects
// copy from their Service with the headless marker, as both controllers' syncService does).

import type { Pod, Service } from "kubernetes-types/core/v1";
import { HEADLESS_SERVICE_LABEL } from "../common/labels.ts";
import { isHeadless, selectsPod, serviceSelector } from "./pod-endpoints.ts";

/** The service's pods: same namespace, matched by its selector; none for a selector-less service. */
export function podsForService(service: Service, pods: Pod[]): Pod[] {
  const selector = serviceSelector(service);
  if (!selector) return [];
  const namespace = service.metadata?.namespace;
  return pods.filter((p) => p.metadata?.namespace === namespace && selectsPod(selector, p));
}

/** The service's labels, with `service.kubernetes.io/headless` exactly when clusterIP is None. */
export function endpointLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  delete labels[HEADLESS_SERVICE_LABEL];
  if (isHeadless(service)) labels[HEADLESS_SERVICE_LABEL] = "";
  return labels;
}

/** The same label set, in any order. */
export function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ea = Object.entries(a ?? {}).sort();
  const eb = Object.entries(b).sort();
  return JSON.stringify(ea) === JSON.stringify(eb);
}
