// toTable: objects of one built-in kind as the meta.k8s.io Table `kubectl get` asks for.
// Upstream: pkg/printers/storage/storage.go (TableConvertor, always Wide) and rest/table.go (the default).

import { buildTable, type TableRequest } from "./build-table.ts";
import { printerFor } from "./printer-for.ts";
import type { Table } from "./table-types.ts";

export interface ToTableInput extends TableRequest {
  /** The objects' apiVersion, e.g. "v1" or "apps/v1"; its group selects the printer. */
  apiVersion: string;
  /** The objects' kind ("Pod"); a list kind ("PodList") is accepted too. */
  kind: string;
}

export function toTable(input: ToTableInput): Table {
  const slash = input.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : input.apiVersion.slice(0, slash);
  return buildTable(printerFor(group, input.kind), input);
}
