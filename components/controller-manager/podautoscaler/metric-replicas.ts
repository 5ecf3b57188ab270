// The replicas all of an HPA's metrics ask for (upstream pkg/controller/podautoscaler/
// horizontal.go computeReplicasForMetrics, computeStatusForResourceMetricGeneric): the highest
// proposal wins; when every metric fails (or a failure would hide a scale-down) none is used.

import type {
  HorizontalPodAutoscaler,
  MetricSpec,
  MetricStatus,
  MetricTarget,
} from "kubernetes-types/autoscaling/v2";
import type { Pod } from "kubernetes-types/core/v1";
import { milliValue } from "../../../lib/api/quantity.ts";
import { formatMilli } from "../../../lib/api/quantity-format.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { MetricsSource } from "./metrics-source.ts";
import { type CalculatorOptions, calculateReplicas, type ResourceTarget } from "./replica-calculator.ts";
import { type Conditions, setCondition } from "./replica-normalizer.ts";

export interface MetricReplicasInput {
  hpa: HorizontalPodAutoscaler;
  specReplicas: number;
  pods: Pod[];
  selector: string;
  metrics: MetricsSource;
  recorder: EventRecorder;
  calculator: CalculatorOptions;
}

export interface MetricReplicas {
  /** -1 when no metric gave a usable proposal. */
  replicas: number;
  metricName: string;
  statuses: MetricStatus[];
  conditions: Conditions;
  error?: Error;
}

class MetricError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

function targetOf(target: MetricTarget): ResourceTarget {
  if (target.averageValue !== undefined) return { averageValue: milliValue(target.averageValue) };
  if (target.averageUtilization === undefined) {
    throw new Error(
      "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set",
    );
  }
  return { utilization: target.averageUtilization };
}

async function resourceProposal(
  input: MetricReplicasInput,
  spec: MetricSpec,
): Promise<{ replicas: number; name: string; status: MetricStatus }> {
  const source = spec.type === "Resource" ? spec.resource : spec.containerResource;
  if (!source || (spec.type !== "Resource" && spec.type !== "ContainerResource")) {
    throw new MetricError(`unknown metric source type "${spec.type}"`, "InvalidMetricSourceType");
  }
  const container = spec.type === "ContainerResource" ? spec.containerResource?.container : undefined;
  const resource = source.name;
  const what = container ? `${resource} container resource` : `${resource} resource`;
  try {
    const target = targetOf(source.target);
    const ns = input.hpa.metadata?.namespace ?? "default";
    let samples: Awaited<ReturnType<MetricsSource["resourceMetrics"]>>;
    try {
      samples = await input.metrics.resourceMetrics(resource, ns, input.selector, container);
    } catch (error) {
      throw new Error(`unable to get metrics for resource ${resource}: ${(error as Error).message}`);
    }
    const kind = "utilization" in target ? "utilization" : "usage";
    let proposal: ReturnType<typeof calculateReplicas>;
    try {
      proposal = calculateReplicas(
        input.specReplicas,
        input.pods,
        samples.metrics,
        resource,
        target,
        input.calculator,
        container,
      );
    } catch (error) {
      throw new Error(`failed to get ${resource} ${kind}: ${(error as Error).message}`);
    }
    const current =
      proposal.utilization !== undefined
        ? { averageValue: formatMilli(proposal.averageValue), averageUtilization: proposal.utilization }
        : { averageValue: formatMilli(proposal.averageValue) };
    const status: MetricStatus =
      spec.type === "Resource"
        ? { type: "Resource", resource: { name: resource, current } }
        : {
            type: "ContainerResource",
            containerResource: { name: resource, container: container ?? "", current },
          };
    return {
      replicas: proposal.replicas,
      name: "utilization" in target ? `${what} utilization (percentage of request)` : what,
      status,
    };
  } catch (error) {
    if (error instanceof MetricError) throw error;
    throw new MetricError((error as Error).message, "FailedGetResourceMetric");
  }
}

export async function computeReplicasForMetrics(
  input: MetricReplicasInput,
  conditions: Conditions,
  now: Date,
): Promise<MetricReplicas> {
  const specs = input.hpa.spec?.metrics ?? [];
  const statuses: MetricStatus[] = [];
  let replicas = 0;
  let metricName = "";
  let invalid = 0;
  let firstError: MetricError | undefined;
  for (const spec of specs) {
    try {
      const p = await resourceProposal(input, spec);
      statuses.push(p.status);
      if (replicas === 0 || p.replicas > replicas) {
        replicas = p.replicas;
        metricName = p.name;
      }
    } catch (error) {
      const e = error as MetricError;
      input.recorder.event(
        { ...input.hpa, apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" },
        "Warning",
        e.reason,
        e.message,
      );
      if (!firstError) firstError = e;
      invalid++;
    }
  }
  const error = firstError
    ? new Error(
        `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}`,
      )
    : undefined;
  if (invalid >= specs.length || (invalid > 0 && replicas < input.specReplicas)) {
    const message = firstError
      ? `the HPA was unable to compute the replica count: ${firstError.message}`
      : "no metrics";
    return {
      replicas: -1,
      metricName: "",
      statuses,
      conditions: setCondition(
        conditions,
        "ScalingActive",
        "False",
        firstError?.reason ?? "FailedGetResourceMetric",
        message,
        now,
      ),
      error: error ?? new Error("no metrics specified"),
    };
  }
  return {
    replicas,
    metricName,
    statuses,
    conditions: setCondition(
      conditions,
      "ScalingActive",
      "True",
      "ValidMetricFound",
      `the HPA was able to successfully calculate a replica count from ${metricName}`,
      now,
    ),
    ...(error ? { error } : {}),
  };
}
