// Where the HPA reads pod resource usage (upstream pkg/controller/podautoscaler/metrics/
// client.go resourceMetricsClient.GetResourceMetric): an interface, and the default backed by
// metrics.k8s.io/v1beta1 PodMetrics. Tests inject their own to feed usage.

import { milliValue } from "../../../lib/api/quantity.ts";
import { resourcePath } from "../../../lib/api/resource-path.ts";
import type { ApiClient } from "../../../lib/client/api-client.ts";

export interface PodMetric {
  /** Usage in milli-units (millicores, milli-bytes) summed over the pod's containers. */
  value: number;
  timestamp: Date;
  windowMs: number;
}

export interface ResourceMetrics {
  /** By pod name. */
  metrics: Map<string, PodMetric>;
  timestamp: Date;
}

export interface MetricsSource {
  /** Usage of `resource` ("cpu", "memory") of the pods `labelSelector` selects in `namespace`. */
  resourceMetrics(
    resource: string,
    namespace: string,
    labelSelector: string,
    container?: string,
  ): Promise<ResourceMetrics>;
}

interface PodMetricsList {
  items: Array<{
    metadata: { name: string };
    timestamp: string;
    window: string;
    containers: Array<{ name: string; usage: Record<string, string> }>;
  }>;
}

function durationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    ms += Number(n) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[unit as "h" | "m" | "s" | "ms"];
  }
  return ms;
}

export function apiMetricsSource(client: ApiClient): MetricsSource {
  return {
    async resourceMetrics(resource, namespace, labelSelector, container) {
      const list = await client.list<PodMetricsList>(
        resourcePath(
          { group: "metrics.k8s.io", version: "v1beta1", plural: "pods", namespaced: true },
          { namespace },
        ),
        {
          labelSelector,
        },
      );
      if (list.items.length === 0) throw new Error("no metrics returned from resource metrics API");
      const metrics = new Map<string, PodMetric>();
      for (const item of list.items) {
        let value = 0;
        let missing = false;
        let counted = false;
        for (const c of item.containers ?? []) {
          if (container && c.name !== container) continue;
          const usage = c.usage?.[resource];
          if (usage === undefined) {
            missing = true;
            break;
          }
          value += milliValue(usage);
          counted = true;
        }
        // A pod missing a container's usage is left out (upstream: "missing resource metric").
        if (missing || (container && !counted)) continue;
        metrics.set(item.metadata.name, {
          value,
          timestamp: new Date(item.timestamp),
          windowMs: durationMs(item.window ?? ""),
        });
      }
      const first = list.items[0];
      return { metrics, timestamp: first ? new Date(first.timestamp) : new Date() };
    },
  };
}
