import { describe, expect, test } from "bun:test";
import { persistentVolumeClaimStrategy } from "./persistent-volume-claim.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

const body = {
  metadata: { name: "data" },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
};

describe("persistentvolumeclaim", () => {
  test("volumeMode and Pending", () => {
    const obj = created(persistentVolumeClaimStrategy, body);
    expect((obj.spec as Record<string, unknown>).volumeMode).toBe("Filesystem");
    expect(obj.status).toEqual({ phase: "Pending" });
    expect(persistentVolumeClaimStrategy.validate?.(obj)).toEqual([]);
  });

  test("access modes and storage", () => {
    expect(
      createErrors(persistentVolumeClaimStrategy, { spec: { accessModes: ["ReadWriteSometimes"] } }),
    ).toEqual([
      'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      "spec.resources[storage]: Required value",
    ]);
    expect(createErrors(persistentVolumeClaimStrategy, { spec: {} })).toEqual([
      "spec.accessModes: Required value: at least 1 access mode is required",
      "spec.resources[storage]: Required value",
    ]);
  });

  test("spec is immutable except requests of bound claims; volumeName may be set once", () => {
    const old = created(persistentVolumeClaimStrategy, body);
    const bind = structuredClone(old);
    (bind.spec as Record<string, unknown>).volumeName = "pv-1";
    expect(updateErrors(persistentVolumeClaimStrategy, bind, old)).toEqual([]);
    const grow = structuredClone(old);
    (grow.spec as { resources: unknown }).resources = { requests: { storage: "2Gi" } };
    expect(updateErrors(persistentVolumeClaimStrategy, grow, old)).toEqual([
      "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    ]);
    const bound = structuredClone(old);
    bound.status = { phase: "Bound" };
    expect(updateErrors(persistentVolumeClaimStrategy, grow, bound)).toEqual([]);
  });
});
