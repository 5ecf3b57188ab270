// Column definition helpers and the columns most kinds share (Name, Age, Containers, ...).
// Upstream: pkg/printers/internalversion/printers.go (AddHandlers).

import { columnDescriptions } from "./column-descriptions.ts";
import type { TableColumnDefinition } from "./table-types.ts";

export interface ColumnOptions {
  type?: string;
  format?: string;
  priority?: number;
}

/** A column definition with upstream's defaults: type string, empty format, priority 0. */
export function column(
  name: string,
  description: string,
  options: ColumnOptions = {},
): TableColumnDefinition {
  return {
    name,
    type: options.type ?? "string",
    format: options.format ?? "",
    description,
    priority: options.priority ?? 0,
  };
}

export const nameColumn = column("Name", columnDescriptions.name, { format: "name" });
export const ageColumn = column("Age", columnDescriptions.creationTimestamp);
export const containersColumn = column("Containers", "Names of each container in the template.", {
  priority: 1,
});
export const imagesColumn = column("Images", "Images referenced by each container in the template.", {
  priority: 1,
});
