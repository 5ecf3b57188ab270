// One reconcile of a HorizontalPodAutoscaler (upstream pkg/controller/podautoscaler/
// horizontal.go reconcileAutoscaler, setStatus, updateStatusIfNeeded): read the target's /scale,
// propose replicas from the metrics, stabilize and clamp, rescale, always write status.

import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus } from "kubernetes-types/autoscaling/v2";
import type { Pod } from "kubernetes-types/core/v1";
import { resourcePath } from "../../../lib/api/resource-path.ts";
import { parseApiVersion, RESOURCES } from "../../../lib/api/resources.ts";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { matches, parseSelector } from "../../../lib/labels/selector.ts";
import { computeReplicasForMetrics } from "./metric-replicas.ts";
import type { MetricsSource } from "./metrics-source.ts";
import type { CalculatorOptions } from "./replica-calculator.ts";
import { type Conditions, type ReplicaNormalizer, setCondition } from "./replica-normalizer.ts";

export interface ReconcileDeps {
  client: ApiClient;
  hpas: Informer<HorizontalPodAutoscaler>;
  pods: Informer<Pod>;
  metrics: MetricsSource;
  recorder: EventRecorder;
  normalizer: ReplicaNormalizer;
  /** The default scale-down stabilization window (`--horizontal-pod-autoscaler-downscale-stabilization`). */
  downscaleStabilizationMs: number;
  calculator: Omit<CalculatorOptions, "now">;
  now(): Date;
}

interface Scale {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

function scalePath(hpa: HorizontalPodAutoscaler): string {
  const ref = hpa.spec?.scaleTargetRef;
  const gv = parseApiVersion(ref?.apiVersion ?? "");
  const r = RESOURCES.find((x) => x.group === gv.group && x.version === gv.version && x.kind === ref?.kind);
  if (!r?.subresources.some((s) => s.name === "scale")) {
    throw new Error(
      `unable to determine resource for scale target reference: no matches for kind "${ref?.kind}" in group "${gv.group}"`,
    );
  }
  return resourcePath(r, { namespace: hpa.metadata?.namespace, name: ref?.name ?? "", subresource: "scale" });
}

/** Returns false when the HPA is gone. */
export async function reconcileAutoscaler(deps: ReconcileDeps, key: string): Promise<boolean> {
  const hpa = deps.hpas.get(key);
  if (!hpa) {
    deps.normalizer.forget(key);
    return false;
  }
  const now = deps.now();
  const target = { ...hpa, apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" };
  let conditions: Conditions = hpa.status?.conditions ?? [];
  const ref = hpa.spec?.scaleTargetRef;
  const reference = `${ref?.kind}/${hpa.metadata?.namespace}/${ref?.name}`;

  const writeStatus = async (status: HorizontalPodAutoscalerStatus): Promise<void> => {
    if (JSON.stringify(status) === JSON.stringify(hpa.status)) return;
    const hpas = resource(deps.client, "horizontalpodautoscalers.autoscaling").namespace(
      hpa.metadata?.namespace ?? "",
    );
    await hpas.updateStatus({ ...target, status });
  };
  const statusWith = (
    current: number,
    desired: number,
    metrics: HorizontalPodAutoscalerStatus["currentMetrics"],
    rescaled: boolean,
  ) => ({
    ...(hpa.status?.observedGeneration !== undefined
      ? { observedGeneration: hpa.status.observedGeneration }
      : {}),
    ...(rescaled
      ? { lastScaleTime: `${now.toISOString().slice(0, 19)}Z` }
      : hpa.status?.lastScaleTime
        ? { lastScaleTime: hpa.status.lastScaleTime }
        : {}),
    currentReplicas: current,
    desiredReplicas: desired,
    ...(metrics?.length ? { currentMetrics: metrics } : {}),
    conditions,
  });

  let path: string;
  let scale: Scale;
  try {
    path = scalePath(hpa);
    scale = await deps.client.get<Scale>(path);
  } catch (error) {
    const message = (error as Error).message;
    deps.recorder.event(target, "Warning", "FailedGetScale", message);
    conditions = setCondition(
      conditions,
      "AbleToScale",
      "False",
      "FailedGetScale",
      `the HPA controller was unable to get the target's current scale: ${message}`,
      now,
    );
    await writeStatus(
      statusWith(
        hpa.status?.currentReplicas ?? 0,
        hpa.status?.desiredReplicas ?? 0,
        hpa.status?.currentMetrics,
        false,
      ),
    );
    throw new Error(`failed to query scale subresource for ${reference}: ${message}`);
  }
  conditions = setCondition(
    conditions,
    "AbleToScale",
    "True",
    "SucceededGetScale",
    "the HPA controller was able to get the target's current scale",
    now,
  );

  const current = scale.spec?.replicas ?? 0;
  const min = hpa.spec?.minReplicas ?? 1;
  const max = hpa.spec?.maxReplicas ?? min;
  let desired = 0;
  let rescale = true;
  let reason = "";
  let statuses: HorizontalPodAutoscalerStatus["currentMetrics"] = [];
  let retError: Error | undefined;
  if (current === 0 && min !== 0) {
    rescale = false;
    conditions = setCondition(
      conditions,
      "ScalingActive",
      "False",
      "ScalingDisabled",
      "scaling is disabled since the replica count of the target is zero",
      now,
    );
  } else if (current > max) {
    reason = "Current number of replicas above Spec.MaxReplicas";
    desired = max;
  } else if (current < min) {
    reason = "Current number of replicas below Spec.MinReplicas";
    desired = min;
  } else {
    const selectorText = scale.status?.selector ?? "";
    if (!selectorText) {
      deps.recorder.event(target, "Warning", "SelectorRequired", "selector is required");
      conditions = setCondition(
        conditions,
        "ScalingActive",
        "False",
        "InvalidSelector",
        "the HPA target's scale is missing a selector",
        now,
      );
      await writeStatus(statusWith(current, hpa.status?.desiredReplicas ?? 0, [], false));
      throw new Error(
        `failed to compute desired number of replicas based on listed metrics for ${reference}: selector is required`,
      );
    }
    const selector = parseSelector(selectorText);
    const ns = hpa.metadata?.namespace;
    const pods = deps.pods.listNamespace(ns ?? "").filter((p) => matches(selector, p.metadata?.labels));
    const computed = await computeReplicasForMetrics(
      {
        hpa,
        specReplicas: current,
        pods,
        selector: selectorText,
        metrics: deps.metrics,
        recorder: deps.recorder,
        calculator: { ...deps.calculator, now },
      },
      conditions,
      now,
    );
    conditions = computed.conditions;
    statuses = computed.statuses;
    if (computed.replicas === -1) {
      await writeStatus(statusWith(current, hpa.status?.desiredReplicas ?? 0, statuses, false));
      deps.recorder.event(target, "Warning", "FailedComputeMetricsReplicas", computed.error?.message ?? "");
      throw new Error(
        `failed to compute desired number of replicas based on listed metrics for ${reference}: ${computed.error?.message}`,
      );
    }
    retError = computed.error;
    desired = computed.replicas;
    if (desired > current) reason = `${computed.metricName} above target`;
    if (desired < current) reason = "All metrics below target";
    const windowSeconds = hpa.spec?.behavior?.scaleDown?.stabilizationWindowSeconds;
    const normalized = deps.normalizer.normalize(
      key,
      {
        current,
        proposed: desired,
        min,
        max,
        windowMs: windowSeconds !== undefined ? windowSeconds * 1000 : deps.downscaleStabilizationMs,
      },
      conditions,
      now,
    );
    conditions = normalized.conditions;
    desired = normalized.replicas;
    rescale = desired !== current;
  }

  if (rescale) {
    try {
      await deps.client.update(path, {
        apiVersion: "autoscaling/v1",
        kind: "Scale",
        ...scale,
        spec: { ...scale.spec, replicas: desired },
      });
    } catch (error) {
      const message = (error as Error).message;
      deps.recorder.event(
        target,
        "Warning",
        "FailedRescale",
        `New size: ${desired}; reason: ${reason}; error: ${message}`,
      );
      conditions = setCondition(
        conditions,
        "AbleToScale",
        "False",
        "FailedUpdateScale",
        `the HPA controller was unable to update the target scale: ${message}`,
        now,
      );
      await writeStatus(statusWith(current, hpa.status?.desiredReplicas ?? 0, statuses, false));
      throw new Error(`failed to rescale ${reference}: ${message}`);
    }
    conditions = setCondition(
      conditions,
      "AbleToScale",
      "True",
      "SucceededRescale",
      `the HPA controller was able to update the target scale to ${desired}`,
      now,
    );
    deps.recorder.event(target, "Normal", "SuccessfulRescale", `New size: ${desired}; reason: ${reason}`);
  } else {
    desired = current;
  }
  await writeStatus(statusWith(current, desired, statuses, rescale));
  if (retError) throw retError;
  return true;
}
