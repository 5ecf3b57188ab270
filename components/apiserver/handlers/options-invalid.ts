// Invalid request options (upstream's ValidateCreateOptions, ValidateUpdateOptions,
// ValidatePatchOptions and ValidateDeleteOptions in apimachinery pkg/apis/meta/v1/validation):
// a 422 naming the options kind of the meta.k8s.io group, every problem one cause.
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";

export type OptionsKind = "CreateOptions" | "UpdateOptions" | "PatchOptions" | "DeleteOptions";

const FIELD_MANAGER_MAX_BYTES = 128;
const FIELD_VALIDATION = ["", "Ignore", "Strict", "Warn"];

/** Go's %q of a string (ASCII as JSON writes it). */
const quote = (s: string) => JSON.stringify(s);

/** The causes of the options every write has: fieldManager, dryRun, fieldValidation. */
export function writeOptionCauses(url: URL, kind: OptionsKind): StatusCause[] {
  const causes: StatusCause[] = [];
  const manager = url.searchParams.get("fieldManager") ?? "";
  if (new TextEncoder().encode(manager).length > FIELD_MANAGER_MAX_BYTES)
    causes.push({
      reason: "FieldValueTooLong",
      message: `Too long: may not be more than ${FIELD_MANAGER_MAX_BYTES} bytes`,
      field: "fieldManager",
    });
  causes.push(...dryRunCauses(url.searchParams.getAll("dryRun")));
  const mode = url.searchParams.get("fieldValidation");
  if (kind !== "DeleteOptions" && mode !== null && !FIELD_VALIDATION.includes(mode))
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${quote(mode)}: supported values: ${FIELD_VALIDATION.map(quote).join(", ")}`,
      field: "fieldValidation",
    });
  return causes;
}

/** ValidateDryRun: every value must be "All" (the value shown as Go prints a []string). */
export function dryRunCauses(values: string[]): StatusCause[] {
  if (values.every((v) => v === "All")) return [];
  return [
    {
      reason: "FieldValueNotSupported",
      message: `Unsupported value: []string{${values.map(quote).join(", ")}}: supported values: "All"`,
      field: "dryRun",
    },
  ];
}

/** The 422 upstream answers: `CreateOptions.meta.k8s.io "" is invalid: dryRun: ...`. */
export function optionsInvalid(kind: OptionsKind, causes: StatusCause[]): StatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  return StatusError.of(422, "Invalid", `${kind}.meta.k8s.io "" is invalid: ${summary}`, {
    group: "meta.k8s.io",
    kind,
    causes,
  });
}
