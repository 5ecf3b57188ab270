// A pod as the scheduler keeps it (upstream framework.PodInfo): the object plus what every
// cycle needs parsed once — requests, host ports, priority and the affinity terms as selectors.

import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from "kubernetes-types/core/v1";
import { fromLabelSelector, matches, type Selector } from "../../lib/labels/selector.ts";
import { podNonZeroRequests, podRequests, type Resources } from "./resources.ts";

export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

/** A pod (anti-)affinity term with its selector parsed (upstream framework.AffinityTerm). */
export interface AffinityTerm {
  selector: Selector | undefined;
  /** Namespaces the term looks in; `allNamespaces` when its namespaceSelector is empty. */
  namespaces: Set<string>;
  allNamespaces: boolean;
  topologyKey: string;
  weight: number;
}

export interface PodInfo {
  pod: Pod;
  /** "namespace/name". */
  key: string;
  namespace: string;
  labels: Record<string, string>;
  priority: number;
  requests: Resources;
  nonZero: { milliCPU: number; memory: number };
  hostPorts: HostPort[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
}

function term(pod: Pod, t: PodAffinityTerm, weight: number): AffinityTerm {
  const namespaces = new Set(t.namespaces ?? []);
  const nsSelector = t.namespaceSelector;
  const allNamespaces =
    nsSelector !== undefined &&
    Object.keys(nsSelector.matchLabels ?? {}).length === 0 &&
    (nsSelector.matchExpressions ?? []).length === 0;
  if (namespaces.size === 0 && nsSelector === undefined) namespaces.add(pod.metadata?.namespace ?? "default");
  let selector: Selector | undefined;
  try {
    selector = fromLabelSelector(t.labelSelector);
  } catch {
    selector = undefined;
  }
  return { selector, namespaces, allNamespaces, topologyKey: t.topologyKey, weight };
}

const weighted = (pod: Pod, terms: WeightedPodAffinityTerm[] | undefined): AffinityTerm[] =>
  (terms ?? []).map((w) => term(pod, w.podAffinityTerm, w.weight));

/**
 * The PodInfo of `pod`. With `previous` of the same uid (upstream PodInfo.Update), the parts of
 * the spec that cannot change (priority, host ports, affinity terms) are taken from it; labels
 * and requests (in-place resize) are read again.
 */
export function newPodInfo(pod: Pod, previous?: PodInfo): PodInfo {
  const meta = pod.metadata ?? {};
  if (previous && meta.uid !== undefined && previous.pod.metadata?.uid === meta.uid)
    return {
      ...previous,
      pod,
      labels: meta.labels ?? {},
      requests: podRequests(pod),
      nonZero: podNonZeroRequests(pod),
    };
  const hostPorts: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      hostPorts.push({ hostIP: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
    }
  }
  const affinity = pod.spec?.affinity;
  return {
    pod,
    key: `${meta.namespace ?? "default"}/${meta.name ?? ""}`,
    namespace: meta.namespace ?? "default",
    labels: meta.labels ?? {},
    priority: pod.spec?.priority ?? 0,
    requests: podRequests(pod),
    nonZero: podNonZeroRequests(pod),
    hostPorts,
    requiredAffinity: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      term(pod, t, 1),
    ),
    requiredAntiAffinity: (
      affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []
    ).map((t) => term(pod, t, 1)),
    preferredAffinity: weighted(pod, affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(
      pod,
      affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    ),
  };
}

/** Whether `term` (of some pod) selects `pod` (upstream AffinityTerm.Matches). */
export function termMatches(t: AffinityTerm, pod: PodInfo): boolean {
  if (!t.allNamespaces && !t.namespaces.has(pod.namespace)) return false;
  return t.selector !== undefined && matches(t.selector, pod.labels);
}
