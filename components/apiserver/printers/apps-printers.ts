// apps/v1 columns: Deployment (Ready "2/3", Up-to-date, Available), ReplicaSet, DaemonSet, StatefulSet,
// ControllerRevision. Upstream: pkg/printers/internalversion/printers.go (printDeployment, printReplicaSet, ...).

import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  ReplicaSet,
  StatefulSet,
} from "kubernetes-types/apps/v1";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, containersColumn, imagesColumn, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import { formatLabelSelector, formatLabels, labelSelectorString, layoutContainerCells } from "./format.ts";

export const deploymentPrinter = definePrinter<Deployment>(
  [
    nameColumn,
    column("Ready", "Number of the pod with ready state"),
    column("Up-to-date", columnDescriptions.deployUpdated),
    column("Available", columnDescriptions.deployAvailable),
    ageColumn,
    containersColumn,
    imagesColumn,
    column("Selector", columnDescriptions.deploySelector, { priority: 1 }),
  ],
  (d, now) => {
    const [names, images] = layoutContainerCells(d.spec?.template?.spec?.containers);
    // LabelSelectorAsSelector(nil) is labels.Nothing(), whose String() is "".
    const selector = labelSelectorString(d.spec?.selector) ?? "<invalid>";
    return {
      cells: [
        d.metadata?.name ?? "",
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        age(d.metadata?.creationTimestamp, now),
        names,
        images,
        selector,
      ],
    };
  },
);

export const replicaSetPrinter = definePrinter<ReplicaSet>(
  [
    nameColumn,
    column("Desired", columnDescriptions.rsSpecReplicas, { type: "integer" }),
    column("Current", columnDescriptions.rsStatusReplicas, { type: "integer" }),
    column("Ready", columnDescriptions.rsReadyReplicas, { type: "integer" }),
    ageColumn,
    containersColumn,
    imagesColumn,
    column("Selector", columnDescriptions.rsSelector, { priority: 1 }),
  ],
  (rs, now) => {
    const [names, images] = layoutContainerCells(rs.spec?.template?.spec?.containers);
    return {
      cells: [
        rs.metadata?.name ?? "",
        rs.spec?.replicas ?? 1,
        rs.status?.replicas ?? 0,
        rs.status?.readyReplicas ?? 0,
        age(rs.metadata?.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(rs.spec?.selector),
      ],
    };
  },
);

export const daemonSetPrinter = definePrinter<DaemonSet>(
  [
    nameColumn,
    column("Desired", columnDescriptions.dsDesired, { type: "integer" }),
    column("Current", columnDescriptions.dsCurrent, { type: "integer" }),
    column("Ready", columnDescriptions.dsReady, { type: "integer" }),
    column("Up-to-date", columnDescriptions.dsUpdated, { type: "integer" }),
    column("Available", columnDescriptions.dsAvailable, { type: "integer" }),
    column("Node Selector", columnDescriptions.nodeSelector),
    ageColumn,
    containersColumn,
    imagesColumn,
    column("Selector", columnDescriptions.dsSelector, { priority: 1 }),
  ],
  (ds, now) => {
    const [names, images] = layoutContainerCells(ds.spec?.template?.spec?.containers);
    const s = ds.status;
    return {
      cells: [
        ds.metadata?.name ?? "",
        s?.desiredNumberScheduled ?? 0,
        s?.currentNumberScheduled ?? 0,
        s?.numberReady ?? 0,
        s?.updatedNumberScheduled ?? 0,
        s?.numberAvailable ?? 0,
        formatLabels(ds.spec?.template?.spec?.nodeSelector),
        age(ds.metadata?.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(ds.spec?.selector),
      ],
    };
  },
);

export const statefulSetPrinter = definePrinter<StatefulSet>(
  [
    nameColumn,
    column("Ready", "Number of the pod with ready state"),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  (ss, now) => {
    const [names, images] = layoutContainerCells(ss.spec?.template?.spec?.containers);
    return {
      cells: [
        ss.metadata?.name ?? "",
        `${ss.status?.readyReplicas ?? 0}/${ss.spec?.replicas ?? 1}`,
        age(ss.metadata?.creationTimestamp, now),
        names,
        images,
      ],
    };
  },
);

/** `kind.group/name` (lower-cased kind.group) for the controlling owner, "<none>" without one. */
function controllerName(cr: ControllerRevision): string {
  const ref = (cr.metadata?.ownerReferences ?? []).find((o) => o.controller === true);
  if (!ref) return "<none>";
  const apiVersion = ref.apiVersion ?? "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  if (!ref.kind && !group) return ref.name;
  const groupKind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter = definePrinter<ControllerRevision>(
  [
    nameColumn,
    column("Controller", "Controller of the object"),
    column("Revision", columnDescriptions.controllerRevision),
    ageColumn,
  ],
  (cr, now) => ({
    cells: [
      cr.metadata?.name ?? "",
      controllerName(cr),
      cr.revision ?? 0,
      age(cr.metadata?.creationTimestamp, now),
    ],
  }),
);
