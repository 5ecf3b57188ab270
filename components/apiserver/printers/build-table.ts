// buildTable: a Printer's rows wrapped as a meta.k8s.io Table, with rows[].object as the request asked.
// Upstream: apiserver endpoints/handlers/response.go (asTable) and pkg/printers/tablegenerator.go (GenerateTable).

import type { ObjectMeta } from "kubernetes-types/meta/v1";
import type { Printer, Table, TableRow } from "./table-types.ts";

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableRequest {
  objects: readonly object[];
  now: Date;
  /** Default "Metadata": each row carries a PartialObjectMetadata (kubectl needs it for -A and --show-labels). */
  includeObject?: IncludeObject;
  /** Omit columnDefinitions (watch events after the first). */
  noHeaders?: boolean;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** The Table version the client accepted; v1 unless it only takes v1beta1. */
  tableVersion?: "v1" | "v1beta1";
}

function rowObject(obj: object, include: IncludeObject, apiVersion: string): object | null {
  if (include === "None") return null;
  if (include === "Object") return obj;
  const metadata: Record<string, unknown> = { ...((obj as { metadata?: ObjectMeta }).metadata ?? {}) };
  // metav1.Time is a struct: Go encodes an unset creationTimestamp as null rather than omitting it.
  if (metadata.creationTimestamp === undefined) metadata.creationTimestamp = null;
  return { kind: "PartialObjectMetadata", apiVersion, metadata };
}

/** One object's row; `apiVersion` is the Table's (meta.k8s.io/v1). */
export function tableRow(
  printer: Printer,
  obj: object,
  now: Date,
  include: IncludeObject,
  apiVersion: string,
): TableRow {
  const printed = printer.print(obj, now);
  const row: TableRow = { cells: printed.cells };
  if (printed.conditions) row.conditions = printed.conditions;
  row.object = rowObject(obj, include, apiVersion);
  return row;
}

export function buildTable(printer: Printer, request: TableRequest): Table {
  const apiVersion = `meta.k8s.io/${request.tableVersion ?? "v1"}`;
  const include = request.includeObject ?? "Metadata";
  const rows: TableRow[] = request.objects.map((obj) =>
    tableRow(printer, obj, request.now, include, apiVersion),
  );
  const metadata: Table["metadata"] = {};
  if (request.resourceVersion) metadata.resourceVersion = request.resourceVersion;
  if (request.continue) metadata.continue = request.continue;
  if (request.remainingItemCount !== undefined) metadata.remainingItemCount = request.remainingItemCount;
  return {
    kind: "Table",
    apiVersion,
    metadata,
    columnDefinitions: request.noHeaders ? null : printer.columns.map((c) => ({ ...c })),
    rows: rows.length === 0 && printer.nullRowsWhenEmpty ? null : rows,
  };
}
