import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { generateSchemas, SCHEMAS_ASSET } from "./generate-schemas.ts";
import type { Schema, Schemas } from "./schema.ts";

const generated = generateSchemas();

function schema(name: string): Schema {
  const s = generated[name];
  if (!s) throw new Error(`no schema ${name}`);
  return s;
}

function property(name: string, field: string): Schema {
  const p = schema(name).properties?.[field];
  if (!p) throw new Error(`no property ${name}.${field}`);
  return p;
}

describe("generateSchemas", () => {
  test("the committed asset is the generator's output (run `npm run generate:openapi`)", () => {
    const committed = JSON.parse(
      new TextDecoder().decode(Bun.gunzipSync(readFileSync(SCHEMAS_ASSET))),
    ) as Schemas;
    expect(committed).toEqual(generated);
  });

  test("Pod: upstream name, JSDoc description, GVK, references wrapped in allOf", () => {
    const pod = schema("io.k8s.api.core.v1.Pod");
    expect(pod.description).toStartWith("Pod is a collection of containers");
    expect(pod.type).toBe("object");
    expect(pod["x-kubernetes-group-version-kind"]).toEqual([{ group: "", version: "v1", kind: "Pod" }]);
    expect(pod.required).toBeUndefined();
    expect(property("io.k8s.api.core.v1.Pod", "spec")).toEqual({
      allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.PodSpec" }],
      description: expect.stringContaining("Specification of the desired behavior of the pod."),
    });
    expect(property("io.k8s.api.core.v1.Pod", "kind").type).toBe("string");
    expect(schema("io.k8s.api.core.v1.PodList")["x-kubernetes-group-version-kind"]).toEqual([
      { group: "", version: "v1", kind: "PodList" },
    ]);
  });

  test("Container: required fields, arrays of references, int32 and int64", () => {
    expect(schema("io.k8s.api.core.v1.Container").required).toEqual(["name"]);
    expect(property("io.k8s.api.core.v1.Container", "ports")).toMatchObject({
      type: "array",
      items: { $ref: "#/components/schemas/io.k8s.api.core.v1.ContainerPort" },
    });
    expect(property("io.k8s.api.core.v1.ContainerPort", "containerPort")).toMatchObject({
      type: "integer",
      format: "int32",
    });
    expect(property("io.k8s.api.core.v1.PodSpec", "terminationGracePeriodSeconds")).toMatchObject({
      type: "integer",
      format: "int64",
    });
    expect(property("io.k8s.api.core.v1.PodSecurityContext", "supplementalGroups")).toMatchObject({
      type: "array",
      items: { type: "integer", format: "int64" },
    });
    expect(property("io.k8s.api.core.v1.ResourceRequirements", "limits")).toMatchObject({
      type: "object",
      additionalProperties: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity" },
    });
  });

  test("Deployment: apps group in the GVK, IntOrString fields", () => {
    expect(schema("io.k8s.api.apps.v1.Deployment")["x-kubernetes-group-version-kind"]).toEqual([
      { group: "apps", version: "v1", kind: "Deployment" },
    ]);
    expect(schema("io.k8s.api.apps.v1.DeploymentSpec").required).toEqual(["selector", "template"]);
    expect(property("io.k8s.api.apps.v1.DeploymentSpec", "replicas")).toMatchObject({ format: "int32" });
    expect(property("io.k8s.api.apps.v1.RollingUpdateDeployment", "maxSurge")).toMatchObject({
      allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString" }],
    });
  });

  test("ObjectMeta: maps of strings, Time references, int64 generation", () => {
    const meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    expect(property(meta, "labels")).toMatchObject({
      type: "object",
      additionalProperties: { type: "string" },
    });
    expect(property(meta, "creationTimestamp")).toMatchObject({
      allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time" }],
    });
    expect(property(meta, "generation")).toMatchObject({ type: "integer", format: "int64" });
    expect(property(meta, "resourceVersion").type).toBe("string");
    expect(schema("io.k8s.apimachinery.pkg.apis.meta.v1.Time")).toMatchObject({
      type: "string",
      format: "date-time",
    });
  });

  test("Quantity, IntOrString, RawExtension and FieldsV1 have upstream's shapes", () => {
    expect(schema("io.k8s.apimachinery.pkg.api.resource.Quantity")).toMatchObject({
      oneOf: [{ type: "string" }, { type: "number" }],
    });
    expect(schema("io.k8s.apimachinery.pkg.api.resource.Quantity").type).toBeUndefined();
    expect(schema("io.k8s.apimachinery.pkg.util.intstr.IntOrString")).toMatchObject({
      format: "int-or-string",
      oneOf: [{ type: "integer" }, { type: "string" }],
    });
    expect(schema("io.k8s.apimachinery.pkg.runtime.RawExtension")).toMatchObject({ type: "object" });
    expect(schema("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1")).toMatchObject({ type: "object" });
    expect(schema("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON").type).toBeUndefined();
  });

  test("every reference resolves", () => {
    const refs = JSON.stringify(generated).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    const missing = new Set(refs.map((r) => r.slice(22, -1)).filter((name) => !generated[name]));
    expect([...missing]).toEqual([]);
  });
});
