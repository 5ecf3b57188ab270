// The meta.k8s.io/v1 Table shapes the apiserver returns for `Accept: ...;as=Table`, and the
// Printer contract every kind's column set implements. Upstream: apimachinery meta/v1 types.go.

/** One cell: kubectl prints it with fmt.Sprint, so the server formats everything. */
export type TableCell = string | number | boolean | null;

export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: "string", "integer", "number", "boolean" or "date". */
  type: string;
  /** "name" marks the column kubectl prefixes with `kind/`. */
  format: string;
  description: string;
  /** 0 is always shown; higher only with `-o wide`. */
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  /** PartialObjectMetadata, the full object, or null with includeObject=None (as upstream encodes it). */
  object?: object | null;
}

export interface Table {
  kind: "Table";
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  /** null when the request asked for no headers (watch events after the first). */
  columnDefinitions: TableColumnDefinition[] | null;
  /** null only where upstream's convertor leaves it nil (the default convertor on an empty list). */
  rows: TableRow[] | null;
}

/** The cells (and optional row conditions) one object prints as. */
export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}

/** A kind's columns and the function that fills them; rows are always wide, as the apiserver asks. */
export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  print(obj: object, now: Date): PrintedRow;
  /** Upstream's default convertor leaves rows nil for an empty list; printers return []. */
  readonly nullRowsWhenEmpty?: boolean;
}
