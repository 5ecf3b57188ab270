// Immutability checks for updates: `field is immutable` with the value shown as upstream's
// ValidateImmutableField shows it (apimachinery pkg/api/validation/objectmeta.go).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject } from "../registry/object.ts";
import { immutable } from "./field-errors.ts";
import { invalidShown } from "./field-errors-extra.ts";
import { goLabelSelector } from "./go-format.ts";
import { child, jsonEqual } from "./json.ts";

/** `field is immutable` when the values differ (JSON equality). */
export function immutableField(field: string, value: unknown, old: unknown): StatusCause[] {
  return jsonEqual(value, old) ? [] : [immutable(field, value ?? null)];
}

/** spec.selector (a LabelSelector) of apps/v1 and batch/v1 workloads may not change. */
export function immutableSelector(obj: KObject, old: KObject): StatusCause[] {
  const sel = child(obj, "spec")?.selector;
  const oldSel = child(old, "spec")?.selector;
  return jsonEqual(sel, oldSel)
    ? []
    : [invalidShown("spec.selector", goLabelSelector(sel), "field is immutable")];
}
