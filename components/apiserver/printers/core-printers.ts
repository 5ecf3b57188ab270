// Columns for the simpler core/v1 kinds: Namespace, Secret, ConfigMap, ServiceAccount, ResourceQuota,
// ComponentStatus, PodTemplate, ReplicationController. Upstream: pkg/printers/internalversion/printers.go.

import type {
  ComponentStatus,
  ConfigMap,
  Namespace,
  PodTemplate,
  ReplicationController,
  ResourceQuota,
  Secret,
  ServiceAccount,
} from "kubernetes-types/core/v1";
import { formatQuantity } from "../../../lib/api/quantity-format.ts";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, containersColumn, imagesColumn, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import { formatLabels, layoutContainerCells } from "./format.ts";

export const namespacePrinter = definePrinter<Namespace>(
  [nameColumn, column("Status", "The status of the namespace"), ageColumn],
  (ns, now) => ({
    cells: [ns.metadata?.name ?? "", ns.status?.phase ?? "", age(ns.metadata?.creationTimestamp, now)],
  }),
);

export const secretPrinter = definePrinter<Secret>(
  [
    nameColumn,
    column("Type", columnDescriptions.secretType),
    column("Data", columnDescriptions.secretData),
    ageColumn,
  ],
  (s, now) => ({
    cells: [
      s.metadata?.name ?? "",
      s.type ?? "",
      Object.keys(s.data ?? {}).length,
      age(s.metadata?.creationTimestamp, now),
    ],
  }),
);

export const configMapPrinter = definePrinter<ConfigMap>(
  [nameColumn, column("Data", columnDescriptions.configMapData), ageColumn],
  (cm, now) => ({
    cells: [
      cm.metadata?.name ?? "",
      Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
      age(cm.metadata?.creationTimestamp, now),
    ],
  }),
);

export const serviceAccountPrinter = definePrinter<ServiceAccount>(
  [nameColumn, column("Secrets", columnDescriptions.serviceAccountSecrets), ageColumn],
  (sa, now) => ({
    cells: [sa.metadata?.name ?? "", (sa.secrets ?? []).length, age(sa.metadata?.creationTimestamp, now)],
  }),
);

export const resourceQuotaPrinter = definePrinter<ResourceQuota>(
  [
    nameColumn,
    column("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
    column(
      "Limit",
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
    ageColumn,
  ],
  (rq, now) => {
    const hard = rq.status?.hard ?? {};
    const used = rq.status?.used ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const entry = `${resource}: ${formatQuantity(used[resource])}/${formatQuantity(hard[resource])}`;
      const pieces = resource.split(".");
      (pieces.length > 1 && pieces[0] === "limits" ? limits : requests).push(entry);
    }
    return {
      cells: [
        rq.metadata?.name ?? "",
        requests.join(", "),
        limits.join(", "),
        age(rq.metadata?.creationTimestamp, now),
      ],
    };
  },
);

export const componentStatusPrinter = definePrinter<ComponentStatus>(
  [
    nameColumn,
    column("Status", "Status of the component conditions"),
    column("Message", "Message of the component conditions"),
    column("Error", "Error of the component conditions"),
  ],
  (cs) => {
    const healthy = (cs.conditions ?? []).find((c) => c.type === "Healthy");
    const status = healthy ? (healthy.status === "True" ? "Healthy" : "Unhealthy") : "Unknown";
    return { cells: [cs.metadata?.name ?? "", status, healthy?.message ?? "", healthy?.error ?? ""] };
  },
);

export const podTemplatePrinter = definePrinter<PodTemplate>(
  [
    nameColumn,
    column("Containers", "Names of each container in the template."),
    column("Images", "Images referenced by each container in the template."),
    column("Pod Labels", "The labels for the pod template."),
  ],
  (pt) => {
    const [names, images] = layoutContainerCells(pt.template?.spec?.containers);
    return { cells: [pt.metadata?.name ?? "", names, images, formatLabels(pt.template?.metadata?.labels)] };
  },
);

export const replicationControllerPrinter = definePrinter<ReplicationController>(
  [
    nameColumn,
    column("Desired", columnDescriptions.rcSpecReplicas, { type: "integer" }),
    column("Current", columnDescriptions.rcStatusReplicas, { type: "integer" }),
    column("Ready", columnDescriptions.rcReadyReplicas, { type: "integer" }),
    ageColumn,
    containersColumn,
    imagesColumn,
    column("Selector", columnDescriptions.rcSelector, { priority: 1 }),
  ],
  (rc, now) => {
    const [names, images] = layoutContainerCells(rc.spec?.template?.spec?.containers);
    return {
      cells: [
        rc.metadata?.name ?? "",
        rc.spec?.replicas ?? 1,
        rc.status?.replicas ?? 0,
        rc.status?.readyReplicas ?? 0,
        age(rc.metadata?.creationTimestamp, now),
        names,
        images,
        formatLabels(rc.spec?.selector),
      ],
    };
  },
);
