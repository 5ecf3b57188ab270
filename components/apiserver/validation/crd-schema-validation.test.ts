import { expect, test } from "bun:test";
import { validateVersionSchema } from "./crd-schema-validation.ts";

const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);
const v = (openAPIV3Schema: object, extra: object = {}) => ({
  name: "v1",
  schema: { openAPIV3Schema },
  ...extra,
});

test("structural schemas", () => {
  expect(
    validateVersionSchema("v", v({ type: "object", properties: { spec: { type: "object", x: 1 } } })),
  ).toEqual([]);
  expect(
    lines(
      validateVersionSchema(
        "v",
        v({
          type: "object",
          properties: {
            spec: { properties: { size: { type: "int" }, any: { "x-kubernetes-int-or-string": true } } },
            tags: { type: "array" },
          },
        }),
      ),
    ),
  ).toEqual([
    "v.schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
    'v.schema.openAPIV3Schema.properties[spec].properties[size].type: Unsupported value: "int": supported values: "array", "boolean", "integer", "number", "object", "string"',
    "v.schema.openAPIV3Schema.properties[tags].items: Required value: must be specified",
  ]);
});

test("printer columns and scale paths", () => {
  expect(
    lines(
      validateVersionSchema(
        "v",
        v(
          { type: "object" },
          {
            additionalPrinterColumns: [{ name: "Size", type: "str", jsonPath: "spec.size" }],
            subresources: { scale: { specReplicasPath: ".status.replicas" } },
          },
        ),
      ),
    ),
  ).toEqual([
    'v.additionalPrinterColumns[0].type: Unsupported value: "str": supported values: "boolean", "date", "integer", "number", "string"',
    'v.additionalPrinterColumns[0].jsonPath: Invalid value: "spec.size": must be a simple json path starting with .',
    'v.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
    "v.subresources.scale.statusReplicasPath: Required value",
  ]);
});
