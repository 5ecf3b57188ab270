import { describe, expect, test } from "bun:test";
import { persistentVolumeStrategy } from "./persistent-volume.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

const body = {
  metadata: { name: "pv1" },
  spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/data" } },
};

describe("persistentvolume", () => {
  test("defaults and status", () => {
    const obj = created(persistentVolumeStrategy, body);
    expect(obj.spec).toEqual({
      capacity: { storage: "1Gi" },
      accessModes: ["ReadWriteOnce"],
      hostPath: { path: "/data", type: "" },
      persistentVolumeReclaimPolicy: "Retain",
      volumeMode: "Filesystem",
    });
    expect(obj.status).toEqual({ phase: "Pending", lastPhaseTransitionTime: "2026-01-02T03:04:05Z" });
    expect(persistentVolumeStrategy.validate?.(obj)).toEqual([]);
  });

  test("validation and immutable source", () => {
    expect(createErrors(persistentVolumeStrategy, { spec: { accessModes: ["ReadWriteOnce"] } })).toEqual([
      "spec.capacity: Required value",
      "spec: Required value: must specify a volume type",
    ]);
    const old = created(persistentVolumeStrategy, body);
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).hostPath = { path: "/other", type: "" };
    expect(updateErrors(persistentVolumeStrategy, next, old)).toEqual([
      "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation",
    ]);
  });
});
