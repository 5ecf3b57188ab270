// CRD printer columns, as upstream's tableconvertor (cellForJSONValue) and serveDefaultColumnsIfEmpty.

import { expect, test } from "bun:test";
import type { CustomResourceColumnDefinition } from "kubernetes-types/apiextensions/v1";
import { customResourcePrinter, customResourceTable } from "./custom-resource-table.ts";

const now = new Date("2024-06-01T12:00:00Z");
const widget = {
  apiVersion: "example.com/v1",
  kind: "Widget",
  metadata: {
    name: "w1",
    creationTimestamp: "2024-06-01T11:00:00Z",
    labels: { "app.kubernetes.io/name": "w" },
  },
  spec: { replicas: 3, ratio: 1.5, enabled: true, size: "large", tags: ["a", "b"], config: { z: 1, a: "x" } },
  status: {
    lastRun: "2024-06-01T11:59:00Z",
    conditions: [
      { type: "Synced", status: "False" },
      { type: "Ready", status: "True", reason: "AllGood" },
    ],
  },
};
const col = (
  name: string,
  type: string,
  jsonPath: string,
  extra: Partial<CustomResourceColumnDefinition> = {},
) => ({
  name,
  type,
  jsonPath,
  ...extra,
});

test("a CRD without printer columns gets Name and Age", () => {
  const table = customResourceTable({ objects: [widget], now });
  expect(table.columnDefinitions?.map((c) => [c.name, c.type, c.format])).toEqual([
    ["Name", "string", "name"],
    ["Age", "date", ""],
  ]);
  expect(table.rows?.[0]?.cells).toEqual(["w1", "60m"]);
  expect(customResourceTable({ objects: [], now }).rows).toEqual([]);
});

test("typed cells: string, integer, number, boolean, date", () => {
  const printer = customResourcePrinter([
    col("Size", "string", ".spec.size"),
    col("Replicas", "integer", ".spec.replicas", { priority: 1, description: "desired" }),
    col("Ratio", "number", ".spec.ratio"),
    col("Truncated", "integer", ".spec.ratio"),
    col("Enabled", "boolean", ".spec.enabled"),
    col("Last Run", "date", ".status.lastRun"),
    col("Ready", "string", '.status.conditions[?(@.type=="Ready")].status'),
    col("Reason", "string", ".status.conditions[?(@.type == 'Ready')].reason"),
    col("First", "string", ".status.conditions[0].type"),
    col("App", "string", ".metadata.labels.app\\.kubernetes\\.io/name"),
    col("Label", "string", ".metadata.labels['app.kubernetes.io/name']"),
    col("Missing", "string", ".spec.nothing.here"),
    col("Mismatch", "integer", ".spec.size"),
    col("BadDate", "date", ".spec.size"),
  ]);
  expect(printer.columns[2]).toEqual({
    name: "Replicas",
    type: "integer",
    format: "",
    description: "desired",
    priority: 1,
  });
  expect(printer.columns[1]?.description).toBe(
    "Custom resource definition column (in JSONPath format): .spec.size",
  );
  expect(printer.print(widget, now).cells).toEqual([
    "w1",
    "large",
    3,
    1.5,
    1,
    true,
    "60s",
    "True",
    "AllGood",
    "Synced",
    "w",
    "w",
    null,
    null,
    "<invalid>",
  ]);
});

test("string columns print non-strings as upstream's jsonpath printer does", () => {
  const printer = customResourcePrinter([
    col("Replicas", "string", ".spec.replicas"),
    col("Ratio", "string", ".spec.ratio"),
    col("Enabled", "string", ".spec.enabled"),
    col("Tags", "string", ".spec.tags"),
    col("Config", "string", ".spec.config"),
    col("AnyTag", "string", ".spec.tags[*]"),
  ]);
  expect(printer.print(widget, now).cells).toEqual([
    "w1",
    "3",
    "1.5",
    "true",
    '["a","b"]',
    '{"a":"x","z":1}',
    "a",
  ]);
  const big = customResourcePrinter([col("V", "string", ".v")]);
  expect(big.print({ metadata: { name: "n" }, v: 1234567.5 }, now).cells[1]).toBe("1.2345675e+06");
  expect(big.print({ metadata: { name: "n" }, v: 0.00001 }, now).cells[1]).toBe("1e-05");
  expect(big.print({ metadata: { name: "n" }, v: 123456.5 }, now).cells[1]).toBe("123456.5");
});

test("the table envelope is shared with built-in kinds", () => {
  const table = customResourceTable({
    objects: [widget],
    now,
    columns: [col("Size", "string", ".spec.size")],
    includeObject: "Object",
    resourceVersion: "77",
  });
  expect(table.metadata).toEqual({ resourceVersion: "77" });
  expect(table.rows?.[0]).toEqual({ cells: ["w1", "large"], object: widget });
});
