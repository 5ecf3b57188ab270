import { describe, expect, test } from "bun:test";
import type { Schema } from "../../../assets/openapi/schema.ts";
import { builtinSchemas } from "./builtin-schemas.ts";

function property(type: string, field: string): Schema {
  const p = builtinSchemas()[type]?.properties?.[field];
  if (!p) throw new Error(`no property ${type}.${field}`);
  return p;
}

describe("patch extensions on the built-in schemas", () => {
  test("merged lists of objects: merge key, strategy, list-map keys", () => {
    expect(property("io.k8s.api.core.v1.PodSpec", "containers")).toMatchObject({
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    });
    expect(property("io.k8s.api.core.v1.ServiceSpec", "ports")).toMatchObject({
      "x-kubernetes-patch-merge-key": "port",
      "x-kubernetes-list-map-keys": ["port", "protocol"],
    });
    expect(property("io.k8s.api.core.v1.Container", "ports")).toMatchObject({
      "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
    });
    expect(property("io.k8s.api.apps.v1.DeploymentStatus", "conditions")).toMatchObject({
      "x-kubernetes-patch-merge-key": "type",
      "x-kubernetes-list-type": "map",
    });
  });

  test("retainKeys, sets and atomic structs", () => {
    expect(property("io.k8s.api.core.v1.PodSpec", "volumes")["x-kubernetes-patch-strategy"]).toBe(
      "merge,retainKeys",
    );
    expect(property("io.k8s.api.apps.v1.DeploymentSpec", "strategy")["x-kubernetes-patch-strategy"]).toBe(
      "retainKeys",
    );
    expect(property("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers")).toMatchObject({
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-list-type": "set",
    });
    expect(
      builtinSchemas()["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]?.["x-kubernetes-map-type"],
    ).toBe("atomic");
  });

  test("lists without patch facts carry no markers", () => {
    const args = property("io.k8s.api.core.v1.Container", "args");
    expect(args["x-kubernetes-patch-strategy"]).toBeUndefined();
    expect(args["x-kubernetes-list-type"]).toBeUndefined();
  });
});
