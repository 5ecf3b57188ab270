import { describe, expect, test } from "bun:test";
import { crdStrategy } from "./crd.ts";
import { created, createErrors, updated, updateErrors } from "./strategy-harness.ts";

const body = {
  metadata: { name: "crontabs.stable.example.com" },
  spec: {
    group: "stable.example.com",
    scope: "Namespaced",
    names: { plural: "crontabs", kind: "CronTab", shortNames: ["ct"] },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
  },
};

describe("customresourcedefinition", () => {
  test("defaults and initial status", () => {
    const obj = created(crdStrategy, body);
    const spec = obj.spec as Record<string, unknown>;
    expect(spec.names).toEqual({
      plural: "crontabs",
      kind: "CronTab",
      shortNames: ["ct"],
      singular: "crontab",
      listKind: "CronTabList",
    });
    expect(spec.conversion).toEqual({ strategy: "None" });
    expect(obj.status).toEqual({ acceptedNames: { kind: "", plural: "" }, storedVersions: ["v1"] });
    expect(crdStrategy.validate?.(obj)).toEqual([]);
    expect(crdStrategy.generation).toBe(true);
  });

  test("name, group, scope, versions and schemas", () => {
    expect(
      createErrors(crdStrategy, {
        metadata: { name: "wrong" },
        spec: {
          group: "example",
          scope: "Global",
          names: { plural: "crontabs", kind: "CronTab" },
          versions: [
            { name: "v1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object" } } },
            { name: "v2", served: true, storage: false },
          ],
        },
      }),
    ).toEqual([
      `metadata.name: Invalid value: "wrong": must be spec.names.plural+"."+spec.group`,
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      "spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required",
      'spec.versions: Invalid value: ["v1","v2"]: must have exactly one version marked as storage version',
    ]);
  });

  test("storedVersions grow; scope is immutable", () => {
    const old = created(crdStrategy, body);
    const next = structuredClone(old);
    const spec = next.spec as { versions: Record<string, unknown>[]; scope: string };
    spec.versions = [
      { name: "v1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object" } } },
      { name: "v2", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
    ];
    expect((updated(crdStrategy, next, old).status as Record<string, unknown>).storedVersions).toEqual([
      "v1",
      "v2",
    ]);
    spec.scope = "Cluster";
    expect(updateErrors(crdStrategy, next, old)).toEqual([
      'spec.scope: Invalid value: "Cluster": field is immutable',
    ]);
  });
});
