// Finalizer names: a standard name ("kubernetes", "orphan", "foregroundDeletion") or a
// domain-qualified one. Upstream: apimachinery pkg/api/validation ValidateFinalizerName and
// pkg/apis/core/validation validateFinalizerName.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid } from "./field-errors.ts";
import { qualifiedName } from "./qualified-name.ts";
import { checkType } from "./type-checks.ts";

const STANDARD = ["kubernetes", "orphan", "foregroundDeletion"];

export function finalizerName(field: string, value: unknown): StatusCause[] {
  if (typeof value !== "string") return checkType(field, value, "string");
  const out = qualifiedName(field, value);
  if (out.length) return out;
  if (!value.includes("/") && !STANDARD.includes(value)) {
    return [invalid(field, value, "name is neither a standard finalizer name nor is it fully qualified")];
  }
  return [];
}
