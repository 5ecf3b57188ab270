// PersistentVolume and PersistentVolumeClaim columns: Capacity, Access Modes (RWO,ROX,RWX,RWOP), Status, Claim, ...
// Upstream: pkg/printers/internalversion/printers.go (printPersistentVolume[Claim]), core/helper GetAccessModesAsString.

import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import { formatQuantity } from "../../../lib/api/quantity-format.ts";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";

const betaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

/** "RWO,ROX,RWX,RWOP" in that fixed order, duplicates dropped. */
export function accessModesString(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has("ReadWriteOnce")) out.push("RWO");
  if (set.has("ReadOnlyMany")) out.push("ROX");
  if (set.has("ReadWriteMany")) out.push("RWX");
  if (set.has("ReadWriteOncePod")) out.push("RWOP");
  return out.join(",");
}

export const persistentVolumePrinter = definePrinter<PersistentVolume>(
  [
    nameColumn,
    column("Capacity", columnDescriptions.pvCapacity),
    column("Access Modes", columnDescriptions.pvAccessModes),
    column("Reclaim Policy", columnDescriptions.pvReclaimPolicy),
    column("Status", columnDescriptions.pvPhase),
    column("Claim", columnDescriptions.pvClaimRef),
    column("StorageClass", "StorageClass of the pv"),
    column("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
    column("Reason", columnDescriptions.pvReason),
    ageColumn,
    column("VolumeMode", columnDescriptions.pvVolumeMode, { priority: 1 }),
  ],
  (pv, now) => {
    const claim = pv.spec?.claimRef
      ? `${pv.spec.claimRef.namespace ?? ""}/${pv.spec.claimRef.name ?? ""}`
      : "";
    const storageClass =
      pv.metadata?.annotations?.[betaStorageClassAnnotation] ?? pv.spec?.storageClassName ?? "";
    return {
      cells: [
        pv.metadata?.name ?? "",
        formatQuantity(pv.spec?.capacity?.storage),
        accessModesString(pv.spec?.accessModes),
        pv.spec?.persistentVolumeReclaimPolicy ?? "",
        pv.metadata?.deletionTimestamp ? "Terminating" : (pv.status?.phase ?? ""),
        claim,
        storageClass,
        pv.spec?.volumeAttributesClassName ?? "<unset>",
        pv.status?.reason ?? "",
        age(pv.metadata?.creationTimestamp, now),
        pv.spec?.volumeMode ?? "<unset>",
      ],
    };
  },
);

export const persistentVolumeClaimPrinter = definePrinter<PersistentVolumeClaim>(
  [
    nameColumn,
    column("Status", columnDescriptions.pvcPhase),
    column("Volume", columnDescriptions.pvcVolumeName),
    column("Capacity", columnDescriptions.pvcCapacity),
    column("Access Modes", columnDescriptions.pvcAccessModes),
    column("StorageClass", "StorageClass of the pvc"),
    column("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    ageColumn,
    column("VolumeMode", columnDescriptions.pvcVolumeMode, { priority: 1 }),
  ],
  (pvc, now) => {
    const bound = Boolean(pvc.spec?.volumeName);
    const storageClass =
      pvc.metadata?.annotations?.[betaStorageClassAnnotation] ?? pvc.spec?.storageClassName ?? "";
    return {
      cells: [
        pvc.metadata?.name ?? "",
        pvc.metadata?.deletionTimestamp ? "Terminating" : (pvc.status?.phase ?? ""),
        pvc.spec?.volumeName ?? "",
        bound ? formatQuantity(pvc.status?.capacity?.storage) : "",
        bound ? accessModesString(pvc.status?.accessModes) : "",
        storageClass,
        pvc.spec?.volumeAttributesClassName ?? "<unset>",
        age(pvc.metadata?.creationTimestamp, now),
        pvc.spec?.volumeMode ?? "<unset>",
      ],
    };
  },
);
