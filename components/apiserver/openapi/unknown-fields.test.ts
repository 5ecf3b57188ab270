import { describe, expect, test } from "bun:test";
import { customResourceSchemas } from "./custom-resource-schemas.ts";
import { SchemaCatalog } from "./schema-catalog.ts";
import { unknownFields } from "./unknown-fields.ts";

describe("unknownFields", () => {
  test("a known object has none", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", labels: { app: "web" }, annotations: { "a/b": "c" } },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx",
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: "1" } },
          },
        ],
      },
      status: { phase: "Pending" },
    };
    expect(unknownFields("v1", "Pod", pod)).toEqual([]);
  });

  test("paths in upstream's format: dotted fields, list indexes", () => {
    const pod = {
      metadata: { name: "web", colour: "red" },
      spec: { containers: [{ name: "a" }, { name: "b", imagePullPolice: "Always" }], bogus: true },
    };
    expect(unknownFields("v1", "Pod", pod)).toEqual([
      "metadata.colour",
      "spec.containers[1].imagePullPolice",
      "spec.bogus",
    ]);
  });

  test("top-level unknown fields have no prefix", () => {
    expect(unknownFields("v1", "ConfigMap", { data: { a: "b" }, spec: {} })).toEqual(["spec"]);
  });

  test("map values are walked under their key", () => {
    const ds = {
      spec: {
        template: { spec: { containers: [{ name: "a", resources: { claims: [{ name: "x", extra: 1 }] } }] } },
      },
    };
    expect(unknownFields("apps/v1", "DaemonSet", ds)).toEqual([
      "spec.template.spec.containers[0].resources.claims[0].extra",
    ]);
    const sc = {
      parameters: { anything: "goes" },
      provisioner: "p",
      allowedTopologies: [{ matchLabelExpressions: [{ key: "k", nope: 1 }] }],
    };
    expect(unknownFields("storage.k8s.io/v1", "StorageClass", sc)).toEqual([
      "allowedTopologies[0].matchLabelExpressions[0].nope",
    ]);
  });

  test("embedded RawExtension and managed fields hold anything", () => {
    const rev = {
      revision: 1,
      data: { spec: { whatever: { deep: true } } },
      metadata: { managedFields: [{ manager: "m", fieldsV1: { "f:spec": { "f:x": {} } } }] },
    };
    expect(unknownFields("apps/v1", "ControllerRevision", rev)).toEqual([]);
  });

  test("IntOrString and Quantity values are scalars, not objects with fields", () => {
    const deploy = { spec: { strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } } } };
    expect(unknownFields("apps/v1", "Deployment", deploy)).toEqual([]);
  });

  test("apiextensions JSON schemas: every JSONSchemaProps field is known, default and enum values are free", () => {
    const crd = {
      spec: {
        group: "example.com",
        names: { kind: "Foo", plural: "foos" },
        scope: "Namespaced",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: {
                  spec: { type: "object", default: { a: 1 }, "x-kubernetes-preserve-unknown-fields": true },
                },
              },
            },
            typo: 1,
          },
        ],
      },
    };
    expect(unknownFields("apiextensions.k8s.io/v1", "CustomResourceDefinition", crd)).toEqual([
      "spec.versions[0].typo",
    ]);
  });

  test("unknown kinds have no schema and so no unknown fields", () => {
    expect(unknownFields("example.com/v1", "Foo", { anything: 1 })).toEqual([]);
  });

  test("custom resources: structural schema, x-kubernetes-preserve-unknown-fields, maps", () => {
    const catalog = new SchemaCatalog();
    const gvk = { group: "stable.example.com", version: "v1", kind: "CronTab" };
    catalog.setCustomResource(
      gvk,
      customResourceSchemas(gvk, {
        type: "object",
        properties: {
          spec: {
            type: "object",
            properties: {
              cronSpec: { type: "string" },
              labels: { type: "object", additionalProperties: { type: "string" } },
              free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
              template: {
                type: "object",
                "x-kubernetes-embedded-resource": true,
                properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
              },
            },
          },
        },
      }),
    );
    const obj = {
      apiVersion: "stable.example.com/v1",
      kind: "CronTab",
      metadata: { name: "x", nope: 1 },
      spec: {
        cronSpec: "* * * * *",
        labels: { a: "b" },
        free: { x: { y: 1 } },
        image: "i",
        template: {
          apiVersion: "v1",
          kind: "X",
          metadata: { name: "t", bad: 1 },
          spec: { size: 1, colour: "red" },
        },
      },
    };
    expect(unknownFields("stable.example.com/v1", "CronTab", obj, catalog)).toEqual([
      "metadata.nope",
      "spec.image",
      "spec.template.metadata.bad",
      "spec.template.spec.colour",
    ]);
    catalog.removeCustomResource(gvk);
    expect(unknownFields("stable.example.com/v1", "CronTab", obj, catalog)).toEqual([]);
  });
});
