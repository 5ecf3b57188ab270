// toTable: objects of one kind as the meta.k8s.io Table `kubectl get` asks for.
// Upstream: pkg/printers/storage/storage.go (TableConvertor, always Wide), rest/table.go (the default), and
// apiextensions' tableconvertor for custom resources.

import type { CustomResourceColumnDefinition } from "kubernetes-types/apiextensions/v1";
import { buildTable, type TableRequest } from "./build-table.ts";
import { customResourcePrinter } from "./custom-resource-table.ts";
import { printerFor } from "./printer-for.ts";
import type { Printer, Table } from "./table-types.ts";

export interface ToTableInput extends TableRequest {
  /** The objects' apiVersion, e.g. "v1" or "apps/v1"; its group selects the printer. */
  apiVersion: string;
  /** The objects' kind ("Pod"); a list kind ("PodList") is accepted too. */
  kind: string;
  /**
   * For custom resources only: the served CRD version's additionalPrinterColumns. When present (even
   * empty, which means upstream's default Age column) the CRD convertor is used instead of printerFor.
   */
  customResourceColumns?: readonly CustomResourceColumnDefinition[];
}

export function toTable(input: ToTableInput): Table {
  return buildTable(tablePrinter(input), input);
}

/** A CRD version's printer per columns list, so that its cached rows (cached-rows.ts) are found again. */
const customPrinters = new WeakMap<readonly CustomResourceColumnDefinition[], Printer>();

/** The printer toTable uses for `input`'s kind. */
export function tablePrinter(
  input: Pick<ToTableInput, "apiVersion" | "kind" | "customResourceColumns">,
): Printer {
  const columns = input.customResourceColumns;
  if (columns) {
    let printer = customPrinters.get(columns);
    if (!printer) {
      printer = customResourcePrinter(columns);
      customPrinters.set(columns, printer);
    }
    return printer;
  }
  const slash = input.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : input.apiVersion.slice(0, slash);
  return printerFor(group, input.kind);
}
