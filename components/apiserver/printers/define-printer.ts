// definePrinter: binds a kind's column definitions to a typed row function.
// Upstream: pkg/printers/tablegenerator.go (TableHandler pairs columns with a print func).

import type { PrintedRow, Printer, TableColumnDefinition } from "./table-types.ts";

/**
 * Objects reach printers as stored JSON; the row function reads them through the
 * kubernetes-types shape of its kind, guarding every optional field itself.
 */
export function definePrinter<T extends object>(
  columns: readonly TableColumnDefinition[],
  print: (obj: T, now: Date) => PrintedRow,
): Printer {
  return { columns, print: (obj, now) => print(obj as T, now) };
}
