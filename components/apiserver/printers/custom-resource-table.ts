// customResourceTable: custom resources as a Table with their CRD version's additionalPrinterColumns
// (Name first; a CRD without columns gets upstream's default Age column). Date columns print as an age.
// Upstream: apiextensions-apiserver registry/customresource/tableconvertor/tableconvertor.go (cellForJSONValue)
// and apiextensions helpers (serveDefaultColumnsIfEmpty).

import type { CustomResourceColumnDefinition } from "kubernetes-types/apiextensions/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { age } from "./age.ts";
import { buildTable, type TableRequest } from "./build-table.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { column, nameColumn } from "./columns.ts";
import { evaluateJsonPath, parseJsonPath } from "./json-path-lite.ts";
import type { Printer, Table, TableCell } from "./table-types.ts";

const defaultColumns: CustomResourceColumnDefinition[] = [
  {
    name: "Age",
    type: "date",
    description: columnDescriptions.creationTimestamp,
    jsonPath: ".metadata.creationTimestamp",
  },
];

const rfc3339Pattern = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * A JSON number as upstream prints it: integers decode to int64 and print plainly; other values are
 * float64 under %v (shortest digits, exponent form when the exponent is below -4 or at least 6).
 */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  const [mantissa = "", expText = "0"] = n.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(n);
}

/** JSON with map keys sorted, as Go's json.Marshal writes maps. */
function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${goJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What upstream's jsonpath printer writes for one value in a "string" column. */
function printValue(value: unknown): TableCell {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number") return goNumber(value);
  if (typeof value === "boolean") return String(value);
  return goJson(value);
}

/** cellForJSONValue: typed cells; a value of the wrong JSON type is null. */
function typedCell(type: string, value: unknown, now: Date): TableCell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date":
      if (typeof value !== "string") return null;
      if (value === "" || value === "null") return "<unknown>";
      if (!rfc3339Pattern.test(value) || Number.isNaN(Date.parse(value))) return "<invalid>";
      return age(value, now);
    default:
      return null;
  }
}

/** The Printer for a CRD version's printer columns. */
export function customResourcePrinter(columns: readonly CustomResourceColumnDefinition[]): Printer {
  const effective = columns.length > 0 ? columns : defaultColumns;
  const paths = effective.map((c) => parseJsonPath(c.jsonPath));
  return {
    columns: [
      nameColumn,
      ...effective.map((c) =>
        column(
          c.name,
          c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
          {
            type: c.type,
            format: c.format ?? "",
            priority: c.priority ?? 0,
          },
        ),
      ),
    ],
    print: (obj, now) => {
      const cells: TableCell[] = [(obj as { metadata?: ObjectMeta }).metadata?.name ?? ""];
      effective.forEach((c, i) => {
        const steps = paths[i];
        const results = steps ? evaluateJsonPath(steps, obj) : [];
        if (results.length === 0) {
          cells.push(null);
          return;
        }
        cells.push(c.type === "string" ? printValue(results[0]) : typedCell(c.type, results[0], now));
      });
      return { cells };
    },
  };
}

export interface CustomResourceTableInput extends TableRequest {
  /** The served version's additionalPrinterColumns (empty or absent: the default Age column). */
  columns?: readonly CustomResourceColumnDefinition[];
}

export function customResourceTable(input: CustomResourceTableInput): Table {
  return buildTable(customResourcePrinter(input.columns ?? []), input);
}
