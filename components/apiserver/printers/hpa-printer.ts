// HorizontalPodAutoscaler columns (autoscaling/v1 and v2): Reference, Targets ("cpu: 20%/80%", "<unknown>/80%"),
// MinPods, MaxPods, Replicas. Upstream: pkg/printers/internalversion/printers.go (formatHPAMetrics).

import type { HorizontalPodAutoscaler as HpaV1 } from "kubernetes-types/autoscaling/v1";
import type {
  HorizontalPodAutoscaler as HpaV2,
  MetricSpec,
  MetricStatus,
} from "kubernetes-types/autoscaling/v2";
import { formatQuantity } from "../../../lib/api/quantity-format.ts";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";

type AnyHpa = HpaV2 & { spec?: HpaV1["spec"] & HpaV2["spec"]; status?: HpaV1["status"] & HpaV2["status"] };

/** resource.Quantity.String() of a possibly nil pointer. */
const quantity = (q: string | number | undefined | null): string =>
  q === undefined || q === null ? "<nil>" : formatQuantity(q);

/** autoscaling/v1 objects carry only the CPU target; upstream converts it to a Resource metric. */
function metricsOf(hpa: AnyHpa): { specs: MetricSpec[]; statuses: MetricStatus[] } {
  let specs = hpa.spec?.metrics ?? [];
  let statuses = hpa.status?.currentMetrics ?? [];
  const target = hpa.spec?.targetCPUUtilizationPercentage;
  if (specs.length === 0 && target !== undefined && target !== null) {
    specs = [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: target } },
      },
    ];
  }
  const current = hpa.status?.currentCPUUtilizationPercentage;
  if (statuses.length === 0 && current !== undefined && current !== null) {
    statuses = [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: current } } }];
  }
  return { specs, statuses };
}

function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case "External":
    case "Object": {
      const source = spec.type === "External" ? spec.external : spec.object;
      const current = spec.type === "External" ? status?.external : status?.object;
      if (source?.target?.averageValue !== undefined) {
        const now =
          current?.current?.averageValue !== undefined ? quantity(current.current.averageValue) : "<unknown>";
        return `${now}/${quantity(source.target.averageValue)} (avg)`;
      }
      const now = current ? quantity(current.current?.value) : "<unknown>";
      return `${now}/${quantity(source?.target?.value)}`;
    }
    case "Pods": {
      const now = status?.pods ? quantity(status.pods.current?.averageValue) : "<unknown>";
      return `${now}/${quantity(spec.pods?.target?.averageValue)}`;
    }
    case "Resource":
    case "ContainerResource": {
      const source = spec.type === "Resource" ? spec.resource : spec.containerResource;
      const current = spec.type === "Resource" ? status?.resource : status?.containerResource;
      const name = source?.name ?? "";
      if (source?.target?.averageValue !== undefined) {
        const now = current ? quantity(current.current?.averageValue) : "<unknown>";
        return `${name}: ${now}/${quantity(source.target.averageValue)}`;
      }
      const utilization = current?.current?.averageUtilization;
      const now = utilization !== undefined ? `${utilization}%` : "<unknown>";
      const target = source?.target?.averageUtilization;
      return `${name}: ${now}/${target !== undefined ? `${target}%` : "<auto>"}`;
    }
    default:
      return "<unknown type>";
  }
}

/** At most two metrics, then "+ N more...". */
export function formatHpaMetrics(specs: readonly MetricSpec[], statuses: readonly MetricStatus[]): string {
  if (specs.length === 0) return "<none>";
  const max = 2;
  const list = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  if (list.length > max) return `${list.slice(0, max).join(", ")} + ${list.length - max} more...`;
  return list.join(", ");
}

export const horizontalPodAutoscalerPrinter = definePrinter<AnyHpa>(
  [
    nameColumn,
    column("Reference", columnDescriptions.hpaScaleTargetRef),
    column("Targets", columnDescriptions.hpaMetrics),
    column("MinPods", columnDescriptions.hpaMinReplicas),
    column("MaxPods", columnDescriptions.hpaMaxReplicas),
    column("Replicas", columnDescriptions.hpaCurrentReplicas),
    ageColumn,
  ],
  (hpa, now) => {
    const { specs, statuses } = metricsOf(hpa);
    const ref = hpa.spec?.scaleTargetRef;
    const min = hpa.spec?.minReplicas;
    return {
      cells: [
        hpa.metadata?.name ?? "",
        `${ref?.kind ?? ""}/${ref?.name ?? ""}`,
        formatHpaMetrics(specs, statuses),
        min === undefined || min === null ? "<unset>" : String(min),
        hpa.spec?.maxReplicas ?? 0,
        hpa.status?.currentReplicas ?? 0,
        age(hpa.metadata?.creationTimestamp, now),
      ],
    };
  },
);
