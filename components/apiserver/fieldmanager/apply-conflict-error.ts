// The 409 that server-side apply returns for conflicts, with upstream's message and
// FieldManagerConflict causes (apiserver pkg/endpoints/handlers/fieldmanager/internal/conflict.go).

import { PatchError } from "../patch/patch-error.ts";

export interface ApplyConflict {
  /** The manager that owns the field. */
  manager: string;
  /** The field, as upstream prints it: `.spec.replicas`, `.spec.containers[name="app"].image`. */
  field: string;
  /** How the owner wrote it; Update owners are printed with their apiVersion. */
  operation?: "Apply" | "Update";
  apiVersion?: string;
  /** The subresource the owner wrote through ("scale", "status"), printed as upstream does. */
  subresource?: string;
}

export interface StatusCauseLike {
  reason: string;
  message: string;
  field: string;
}

export class ApplyConflictError extends PatchError {
  readonly causes: StatusCauseLike[];
  readonly conflicts: readonly ApplyConflict[];

  constructor(conflicts: readonly ApplyConflict[]) {
    super("Conflict", conflictMessage(conflicts));
    this.conflicts = conflicts;
    this.causes = conflicts.map((conflict) => ({
      reason: "FieldManagerConflict",
      message: `conflict with ${printManager(conflict)}`,
      field: conflict.field,
    }));
  }
}

function printManager(conflict: ApplyConflict): string {
  let name = JSON.stringify(conflict.manager);
  if (conflict.subresource) name = `${name} with subresource ${JSON.stringify(conflict.subresource)}`;
  return conflict.operation === "Update" && conflict.apiVersion
    ? `${name} using ${conflict.apiVersion}`
    : name;
}

/** upstream's BuildManagerIdentifier: the entry as JSON in Go field order, minus fields and time. */
function managerIdentifier(conflict: ApplyConflict): string {
  const id: Record<string, string> = { manager: conflict.manager };
  if (conflict.operation) id.operation = conflict.operation;
  if (conflict.operation !== "Apply" && conflict.apiVersion) id.apiVersion = conflict.apiVersion;
  if (conflict.subresource) id.subresource = conflict.subresource;
  return JSON.stringify(id);
}

function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    return `Apply failed with 1 conflict: conflict with ${printManager(only)}: ${only.field}`;
  }
  // Grouped and sorted by the manager identifier upstream keys conflicts by (the entry's JSON
  // without fields and time; appliers without apiVersion), not by the printed label.
  const byManager = new Map<string, { label: string; fields: string[] }>();
  for (const conflict of conflicts) {
    const id = managerIdentifier(conflict);
    const group = byManager.get(id) ?? { label: printManager(conflict), fields: [] };
    group.fields.push(conflict.field);
    byManager.set(id, group);
  }
  const lines = [...byManager.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => group)
    .flatMap((group) => [`conflicts with ${group.label}:`, ...group.fields.map((field) => `- ${field}`)]);
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}
