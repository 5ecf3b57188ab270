// Conversions for resources served in two shapes over one store: autoscaling/v1
// HorizontalPodAutoscaler (stored as v2) and events.k8s.io/v1 Event (stored as core/v1
// Event). Upstream: pkg/apis/autoscaling/v1/conversion.go and pkg/apis/events/v1/conversion.go.
import type { ResourceInfo } from "../../../lib/api/resources.ts";
import type { KObject } from "../registry/object.ts";
import type { Codec } from "../registry/registry.ts";

type Obj = Record<string, unknown>;

const hpaV1: Codec = {
  toStorage(obj) {
    const spec = { ...((obj.spec ?? {}) as Obj) };
    const target = spec.targetCPUUtilizationPercentage;
    delete spec.targetCPUUtilizationPercentage;
    spec.metrics = [
      {
        type: "Resource",
        resource: {
          name: "cpu",
          target: { type: "Utilization", averageUtilization: typeof target === "number" ? target : 80 },
        },
      },
    ];
    const status = (obj.status ?? {}) as Obj;
    const out: KObject = { ...obj, apiVersion: "autoscaling/v2", spec };
    if (obj.status !== undefined) {
      const { currentCPUUtilizationPercentage: cpu, ...rest } = status;
      out.status = {
        ...rest,
        ...(typeof cpu === "number"
          ? {
              currentMetrics: [
                { type: "Resource", resource: { name: "cpu", current: { averageUtilization: cpu } } },
              ],
            }
          : {}),
      };
    }
    return out;
  },
  fromStorage(obj) {
    const spec = { ...((obj.spec ?? {}) as Obj) };
    const metrics = (spec.metrics ?? []) as Obj[];
    delete spec.metrics;
    delete spec.behavior;
    const cpu = metrics.find((m) => m.type === "Resource" && (m.resource as Obj | undefined)?.name === "cpu");
    const target = ((cpu?.resource as Obj | undefined)?.target as Obj | undefined)?.averageUtilization;
    if (typeof target === "number") spec.targetCPUUtilizationPercentage = target;
    const out: KObject = { ...obj, apiVersion: "autoscaling/v1", spec };
    if (obj.status !== undefined) {
      const { currentMetrics, conditions: _c, ...rest } = obj.status as Obj;
      const current = ((currentMetrics ?? []) as Obj[]).find(
        (m) => m.type === "Resource" && (m.resource as Obj | undefined)?.name === "cpu",
      );
      const util = ((current?.resource as Obj | undefined)?.current as Obj | undefined)?.averageUtilization;
      out.status = {
        ...rest,
        ...(typeof util === "number" ? { currentCPUUtilizationPercentage: util } : {}),
      };
    }
    return out;
  },
};

/** events.k8s.io/v1 field ← core/v1 field. */
const EVENT_FIELDS: [string, string][] = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
  ["reportingController", "reportingComponent"],
];

const eventsV1: Codec = {
  toStorage(obj) {
    const out: Obj = { ...obj, apiVersion: "v1", kind: "Event" };
    for (const [v1, core] of EVENT_FIELDS) {
      if (v1 in out) {
        out[core] = out[v1];
        delete out[v1];
      }
    }
    return out as KObject;
  },
  fromStorage(obj) {
    const out: Obj = { ...obj, apiVersion: "events.k8s.io/v1", kind: "Event" };
    for (const [v1, core] of EVENT_FIELDS) {
      if (core in out) {
        out[v1] = out[core];
        delete out[core];
      }
    }
    return out as KObject;
  },
};

export function codecFor(info: ResourceInfo): Codec | undefined {
  if (info.group === "autoscaling" && info.version === "v1") return hpaV1;
  if (info.group === "events.k8s.io") return eventsV1;
  return undefined;
}
