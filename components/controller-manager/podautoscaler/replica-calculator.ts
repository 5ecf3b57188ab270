// The replica count a resource metric asks for (upstream pkg/controller/podautoscaler/
// replica_calculator.go GetResourceReplicas, GetRawResourceReplicas, calcPlainMetricReplicas,
// groupPods): ready pods with metrics set the ratio; missing pods count as 100% on a scale-down
// and 0% on a scale-up, unready pods as 0% on a scale-up; a change within tolerance is none.

import type { Pod } from "kubernetes-types/core/v1";
import { milliValue } from "../../../lib/api/quantity.ts";
import { podReadyCondition } from "../common/pod-predicates.ts";
import type { PodMetric } from "./metrics-source.ts";

export const DEFAULT_TOLERANCE = 0.1;

export interface CalculatorOptions {
  tolerance: number;
  /** `--horizontal-pod-autoscaler-cpu-initialization-period` (5 min). */
  cpuInitializationPeriodMs: number;
  /** `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s). */
  initialReadinessDelayMs: number;
  now: Date;
}

export type ResourceTarget = { utilization: number } | { averageValue: number };

export interface ReplicaProposal {
  replicas: number;
  /** Percentage of request (utilization targets only). */
  utilization?: number;
  /** Average usage per pod in milli-units. */
  averageValue: number;
}

interface Groups {
  ready: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

function groupPods(
  pods: Pod[],
  metrics: Map<string, PodMetric>,
  resource: string,
  o: CalculatorOptions,
): Groups {
  const g: Groups = { ready: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === "Failed") {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === "Pending") {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === "cpu") {
      const condition = podReadyCondition(pod);
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
      let unready: boolean;
      if (!condition || start === undefined) {
        unready = true;
      } else {
        const transition = Date.parse(condition.lastTransitionTime ?? "") || 0;
        if (start + o.cpuInitializationPeriodMs > o.now.getTime()) {
          unready = condition.status === "False" || metric.timestamp.getTime() < transition + metric.windowMs;
        } else {
          unready = condition.status === "False" && start + o.initialReadinessDelayMs > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.ready++;
  }
  return g;
}

/** Per pod, the sum of its containers' requests of `resource` in milli-units. */
export function podRequests(pods: Pod[], resource: string, container?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    for (const c of pod.spec?.containers ?? []) {
      if (container && c.name !== container) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined) {
        throw new Error(
          `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name}`,
        );
      }
      sum += milliValue(request);
    }
    out.set(pod.metadata?.name ?? "", sum);
  }
  return out;
}

interface Ratio {
  ratio: number;
  utilization?: number;
  average: number;
}

function ratioOf(metrics: Map<string, number>, target: ResourceTarget, requests: Map<string, number>): Ratio {
  if ("utilization" in target) {
    let used = 0;
    let requested = 0;
    let n = 0;
    for (const [name, value] of metrics) {
      const request = requests.get(name);
      if (request === undefined) continue;
      used += value;
      requested += request;
      n++;
    }
    if (requested === 0) throw new Error("no metrics returned matched known pods");
    const utilization = Math.trunc((used * 100) / requested);
    return { ratio: utilization / target.utilization, utilization, average: Math.trunc(used / n) };
  }
  let total = 0;
  for (const value of metrics.values()) total += value;
  const average = Math.trunc(total / metrics.size);
  return { ratio: average / target.averageValue, average };
}

export function calculateReplicas(
  currentReplicas: number,
  pods: Pod[],
  podMetrics: Map<string, PodMetric>,
  resource: string,
  target: ResourceTarget,
  o: CalculatorOptions,
  container?: string,
): ReplicaProposal {
  if (pods.length === 0) throw new Error("no pods returned by selector while calculating replica count");
  const groups = groupPods(pods, podMetrics, resource, o);
  const metrics = new Map<string, number>();
  const names = new Set(pods.map((p) => p.metadata?.name ?? ""));
  for (const [name, m] of podMetrics) {
    if (names.has(name) && !groups.ignored.has(name) && !groups.unready.has(name)) metrics.set(name, m.value);
  }
  if (metrics.size === 0)
    throw new Error("did not receive metrics for targeted pods (pods might be unready)");
  const requests =
    "utilization" in target ? podRequests(pods, resource, container) : new Map<string, number>();
  const first = ratioOf(metrics, target, requests);
  const result = (replicas: number): ReplicaProposal => ({
    replicas,
    averageValue: first.average,
    ...(first.utilization !== undefined ? { utilization: first.utilization } : {}),
  });
  const within = (ratio: number) => 1 - o.tolerance <= ratio && ratio <= 1 + o.tolerance;

  const scaleUpWithUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (within(first.ratio)) return result(currentReplicas);
    return result(Math.ceil(first.ratio * groups.ready));
  }
  for (const name of groups.missing) {
    if (first.ratio < 1) {
      // On a scale-down a pod without metrics counts as using its request (or the target).
      metrics.set(
        name,
        "utilization" in target
          ? Math.trunc(((requests.get(name) ?? 0) * Math.max(100, target.utilization)) / 100)
          : target.averageValue,
      );
    } else if (first.ratio > 1) {
      metrics.set(name, 0);
    }
  }
  if (scaleUpWithUnready) for (const name of groups.unready) metrics.set(name, 0);
  const next = ratioOf(metrics, target, requests).ratio;
  if (within(next) || (first.ratio < 1 && next > 1) || (first.ratio > 1 && next < 1))
    return result(currentReplicas);
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) {
    return result(currentReplicas);
  }
  return result(replicas);
}
