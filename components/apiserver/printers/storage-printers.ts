// storage.k8s.io columns: StorageClass ("standard (default)", ReclaimPolicy, VolumeBindingMode, ...),
// VolumeAttachment, CSIDriver, CSINode. CSIStorageCapacity has a printer upstream, but its storage registers
// the default convertor, so it prints Name + Created At. Upstream: pkg/printers/internalversion/printers.go.

import type { CSIDriver, CSINode, StorageClass, VolumeAttachment } from "kubernetes-types/storage/v1";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";

const isDefaultClass = (annotations: Record<string, string> | undefined): boolean =>
  annotations?.["storageclass.kubernetes.io/is-default-class"] === "true" ||
  annotations?.["storageclass.beta.kubernetes.io/is-default-class"] === "true";

export const storageClassPrinter = definePrinter<StorageClass>(
  [
    nameColumn,
    column("Provisioner", columnDescriptions.scProvisioner),
    column("ReclaimPolicy", columnDescriptions.scReclaimPolicy),
    column("VolumeBindingMode", columnDescriptions.scVolumeBindingMode),
    column("AllowVolumeExpansion", columnDescriptions.scAllowVolumeExpansion),
    ageColumn,
  ],
  (sc, now) => ({
    cells: [
      `${sc.metadata?.name ?? ""}${isDefaultClass(sc.metadata?.annotations) ? " (default)" : ""}`,
      sc.provisioner ?? "",
      sc.reclaimPolicy ?? "Delete",
      sc.volumeBindingMode ?? "Immediate",
      sc.allowVolumeExpansion ?? false,
      age(sc.metadata?.creationTimestamp, now),
    ],
  }),
);

export const volumeAttachmentPrinter = definePrinter<VolumeAttachment>(
  [
    nameColumn,
    column("Attacher", columnDescriptions.vaAttacher, { format: "name" }),
    column("PV", columnDescriptions.vaPersistentVolumeName),
    column("Node", columnDescriptions.vaNodeName),
    column("Attached", columnDescriptions.vaAttached, { type: "boolean" }),
    ageColumn,
  ],
  (va, now) => ({
    cells: [
      va.metadata?.name ?? "",
      va.spec?.attacher ?? "",
      va.spec?.source?.persistentVolumeName ?? "",
      va.spec?.nodeName ?? "",
      va.status?.attached ?? false,
      age(va.metadata?.creationTimestamp, now),
    ],
  }),
);

export const csiDriverPrinter = definePrinter<CSIDriver>(
  [
    nameColumn,
    column("AttachRequired", columnDescriptions.csiAttachRequired, { type: "boolean" }),
    column("PodInfoOnMount", columnDescriptions.csiPodInfoOnMount, { type: "boolean" }),
    column("StorageCapacity", columnDescriptions.csiStorageCapacity, { type: "boolean" }),
    column("TokenRequests", columnDescriptions.csiTokenRequests),
    column("RequiresRepublish", columnDescriptions.csiRequiresRepublish, { type: "boolean" }),
    column("Modes", columnDescriptions.csiModes),
    ageColumn,
  ],
  (d, now) => {
    const spec = d.spec;
    const tokenRequests = spec?.tokenRequests
      ? spec.tokenRequests.map((t) => t.audience).join(",")
      : "<unset>";
    return {
      cells: [
        d.metadata?.name ?? "",
        spec?.attachRequired ?? true,
        spec?.podInfoOnMount ?? false,
        spec?.storageCapacity ?? false,
        tokenRequests,
        spec?.requiresRepublish ?? false,
        (spec?.volumeLifecycleModes ?? []).join(",") || "<none>",
        age(d.metadata?.creationTimestamp, now),
      ],
    };
  },
);

export const csiNodePrinter = definePrinter<CSINode>(
  [
    nameColumn,
    column("Drivers", "Drivers indicates the number of CSI drivers registered on the node", {
      type: "integer",
    }),
    ageColumn,
  ],
  (n, now) => ({
    cells: [n.metadata?.name ?? "", (n.spec?.drivers ?? []).length, age(n.metadata?.creationTimestamp, now)],
  }),
);
