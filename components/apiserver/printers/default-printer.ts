// The default Table convertor for kinds without a printer: Name and Created At (type date, RFC3339 in UTC).
// Upstream: staging/src/k8s.io/apiserver/pkg/registry/rest/table.go (defaultTableConvertor).

import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { columnDescriptions } from "./column-descriptions.ts";
import { column, nameColumn } from "./columns.ts";
import type { Printer } from "./table-types.ts";

/** Go's time.RFC3339 of the UTC time: whole seconds, "Z"; an unset timestamp is Go's zero time. */
export function rfc3339(timestamp: string | null | undefined): string {
  const ms = timestamp ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(ms)) return "0001-01-01T00:00:00Z";
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

export const defaultPrinter: Printer = {
  columns: [nameColumn, column("Created At", columnDescriptions.creationTimestamp, { type: "date" })],
  print: (obj) => {
    const metadata = (obj as { metadata?: ObjectMeta }).metadata;
    return { cells: [metadata?.name ?? "", rfc3339(metadata?.creationTimestamp)] };
  },
  // upstream appends rows to a nil slice: an empty list encodes as "rows": null
  nullRowsWhenEmpty: true,
};
