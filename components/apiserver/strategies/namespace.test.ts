import { describe, expect, test } from "bun:test";
import { namespaceStrategy } from "./namespace.ts";
import { created, createErrors, updated } from "./strategy-harness.ts";

describe("namespace", () => {
  test("create: label, finalizer, Active", () => {
    const obj = created(namespaceStrategy, { metadata: { name: "dev" }, spec: {}, status: {} });
    expect(obj.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "dev" });
    expect(obj.spec).toEqual({ finalizers: ["kubernetes"] });
    expect(obj.status).toEqual({ phase: "Active" });
    expect(namespaceStrategy.fields?.(obj)).toEqual({ "status.phase": "Active" });
    expect(namespaceStrategy.nameIsLabel).toBe(true);
  });

  test("the name label cannot be changed; finalizers only through finalize", () => {
    const old = created(namespaceStrategy, { metadata: { name: "dev" } });
    const next = structuredClone(old);
    next.metadata.labels = { "kubernetes.io/metadata.name": "other", team: "a" };
    (next.spec as Record<string, unknown>).finalizers = [];
    const out = updated(namespaceStrategy, next, old);
    expect(out.metadata?.labels).toEqual({ "kubernetes.io/metadata.name": "dev", team: "a" });
    expect(out.spec).toEqual({ finalizers: ["kubernetes"] });
  });

  test("finalizer names", () => {
    expect(
      createErrors(namespaceStrategy, {
        metadata: { name: "x" },
        spec: { finalizers: ["foo", "example.com/ok", 3] },
      }),
    ).toEqual([
      'spec.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
      "spec.finalizers[2]: Invalid value: 3: must be of type string",
    ]);
  });
});
