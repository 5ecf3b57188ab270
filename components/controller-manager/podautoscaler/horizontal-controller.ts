// The horizontal pod autoscaler controller (upstream pkg/controller/podautoscaler/horizontal.go):
// every HPA is reconciled when added or its spec changes, and then every sync period (15 s);
// status writes do not requeue it (upstream's fixed-interval rate limiter does the same).

import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";
import type { Pod } from "kubernetes-types/core/v1";
import { objectKey } from "../../../lib/informer/informer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { reconcileAutoscaler } from "./hpa-reconcile.ts";
import { apiMetricsSource, type MetricsSource } from "./metrics-source.ts";
import { DEFAULT_TOLERANCE } from "./replica-calculator.ts";
import { ReplicaNormalizer } from "./replica-normalizer.ts";

export interface HorizontalControllerOptions {
  /** `--horizontal-pod-autoscaler-sync-period` (15 s). */
  syncPeriodMs?: number;
  /** `--horizontal-pod-autoscaler-downscale-stabilization` (300 s). */
  downscaleStabilizationMs?: number;
  /** `--horizontal-pod-autoscaler-tolerance` (0.1). */
  tolerance?: number;
  /** `--horizontal-pod-autoscaler-cpu-initialization-period` (300 s). */
  cpuInitializationPeriodMs?: number;
  /** `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s). */
  initialReadinessDelayMs?: number;
  /** Where pod usage comes from; metrics.k8s.io PodMetrics by default. */
  metrics?: MetricsSource;
}

/** A running controller; sync: reconciles one HPA now ("namespace/name"), as a worker would (without requeueing it). */
export type HorizontalController = SyncingController;

export function startHorizontalController(
  context: ControllerContext,
  options: HorizontalControllerOptions = {},
): HorizontalController {
  const hpas = context.informers.for<HorizontalPodAutoscaler>(
    "/apis/autoscaling/v2/horizontalpodautoscalers",
  );
  const pods = context.informers.for<Pod>("/api/v1/pods");
  const syncPeriodMs = options.syncPeriodMs ?? 15_000;
  const queue = new WorkQueue();
  hpas.addHandlers({
    onAdd: (hpa) => queue.add(objectKey(hpa)),
    onUpdate: (old, hpa) => {
      if (old.metadata?.generation !== hpa.metadata?.generation) queue.add(objectKey(hpa));
    },
    onDelete: (hpa) => queue.add(objectKey(hpa)),
  });
  const deps = {
    client: context.client,
    hpas,
    pods,
    metrics: options.metrics ?? apiMetricsSource(context.client),
    recorder: context.recorder("horizontal-pod-autoscaler"),
    normalizer: new ReplicaNormalizer(),
    downscaleStabilizationMs: options.downscaleStabilizationMs ?? 300_000,
    calculator: {
      tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
      cpuInitializationPeriodMs: options.cpuInitializationPeriodMs ?? 300_000,
      initialReadinessDelayMs: options.initialReadinessDelayMs ?? 30_000,
    },
    now: context.now,
  };
  const sync = async (key: string): Promise<void> => {
    await reconcileAutoscaler(deps, key);
  };
  const worker = async (key: string): Promise<void> => {
    let exists = true;
    try {
      exists = await reconcileAutoscaler(deps, key);
    } catch (error) {
      context.log(`horizontal-pod-autoscaler: ${key}: ${(error as Error).message}`);
    }
    if (exists) queue.addAfter(key, syncPeriodMs);
  };
  const run = runController(context, {
    queue,
    sync: worker,
    synced: [hpas.synced, pods.synced],
  });
  return { ...run, sync };
}

export const horizontalPodAutoscalerController: ControllerDescriptor = {
  name: "horizontalpodautoscaling",
  start: (context) => startHorizontalController(context),
};
