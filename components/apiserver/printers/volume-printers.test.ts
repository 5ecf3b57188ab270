// Cases ported from upstream printers_test.go (TestPrintPersistentVolume, TestPrintPersistentVolumeClaim).

import { expect, test } from "bun:test";
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import { persistentVolumeClaimPrinter, persistentVolumePrinter } from "./volume-printers.ts";

const now = new Date("2024-06-01T12:00:00Z");
const claimRef = { name: "test", namespace: "default" };

test("PersistentVolume", () => {
  const pv = (
    name: string,
    spec: PersistentVolume["spec"],
    phase: string,
    extra: object = {},
  ): PersistentVolume => ({
    metadata: { name, ...extra },
    spec,
    status: { phase },
  });
  expect(
    persistentVolumePrinter.print(
      pv("test1", { claimRef, accessModes: ["ReadOnlyMany"], capacity: { storage: "4Gi" } }, "Bound"),
      now,
    ).cells,
  ).toEqual(["test1", "4Gi", "ROX", "", "Bound", "default/test", "", "<unset>", "", "<unknown>", "<unset>"]);
  expect(
    persistentVolumePrinter.print(
      pv(
        "test4",
        {
          claimRef,
          storageClassName: "my-scn",
          accessModes: ["ReadWriteOnce", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"],
          capacity: { storage: "10240Mi" },
          persistentVolumeReclaimPolicy: "Retain",
          volumeMode: "Filesystem",
        },
        "Pending",
      ),
      now,
    ).cells,
  ).toEqual([
    "test4",
    "10Gi",
    "RWO,RWX,RWOP",
    "Retain",
    "Pending",
    "default/test",
    "my-scn",
    "<unset>",
    "",
    "<unknown>",
    "Filesystem",
  ]);
  const deleting = pv("gone", { capacity: { storage: "1Gi" } }, "Released", {
    deletionTimestamp: "2024-06-01T11:00:00Z",
    annotations: { "volume.beta.kubernetes.io/storage-class": "beta-class" },
  });
  const cells = persistentVolumePrinter.print(deleting, now).cells;
  expect([cells[4], cells[5], cells[6]]).toEqual(["Terminating", "", "beta-class"]);
});

test("PersistentVolumeClaim: capacity and access modes only once bound", () => {
  const pvc = (name: string, spec: PersistentVolumeClaim["spec"], status: PersistentVolumeClaim["status"]) =>
    persistentVolumeClaimPrinter.print({ metadata: { name }, spec, status }, now).cells;
  const status = { phase: "Bound", accessModes: ["ReadOnlyMany"], capacity: { storage: "4Gi" } };
  expect(pvc("test1", { volumeName: "my-volume", volumeMode: "Filesystem" }, status)).toEqual([
    "test1",
    "Bound",
    "my-volume",
    "4Gi",
    "ROX",
    "",
    "<unset>",
    "<unknown>",
    "Filesystem",
  ]);
  expect(pvc("test2", { volumeMode: "Filesystem" }, { ...status, phase: "Lost" })).toEqual([
    "test2",
    "Lost",
    "",
    "",
    "",
    "",
    "<unset>",
    "<unknown>",
    "Filesystem",
  ]);
  expect(
    pvc(
      "test5",
      { volumeName: "v", storageClassName: "my-scn", volumeAttributesClassName: "gold" },
      { phase: "Bound" },
    ),
  ).toEqual(["test5", "Bound", "v", "0", "", "my-scn", "gold", "<unknown>", "<unset>"]);
});
