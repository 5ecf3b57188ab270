import { describe, expect, test } from "bun:test";
import { storageClassStrategy } from "./storage-class.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

describe("storageclass", () => {
  test("defaults and validation", () => {
    const obj = created(storageClassStrategy, {
      metadata: { name: "standard" },
      provisioner: "rancher.io/local-path",
    });
    expect(obj.reclaimPolicy).toBe("Delete");
    expect(obj.volumeBindingMode).toBe("Immediate");
    expect(storageClassStrategy.validate?.(obj)).toEqual([]);
    expect(createErrors(storageClassStrategy, { reclaimPolicy: "Recycle" })).toEqual([
      "provisioner: Required value",
      'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    ]);
  });

  test("updates may not touch provisioner or parameters", () => {
    const old = created(storageClassStrategy, {
      metadata: { name: "s" },
      provisioner: "a.io/p",
      parameters: { x: "1" },
    });
    const next = structuredClone(old);
    next.provisioner = "b.io/p";
    next.parameters = { x: "2" };
    expect(updateErrors(storageClassStrategy, next, old, false)).toEqual([
      "parameters: Forbidden: updates to parameters are forbidden.",
      "provisioner: Forbidden: updates to provisioner are forbidden.",
    ]);
  });
});
