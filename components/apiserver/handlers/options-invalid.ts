// Invalid request options (upstream's ValidateCreateOptions, ValidateUpdateOptions,
// ValidatePatchOptions and ValidateDeleteOptions in apimachinery pkg/apis/meta/v1/validation):
// a 422 naming the options kind of the meta.k8s.io group, every problem one cause.
import { goQuote, isPrint } from "../../../lib/errors/go-quote.ts";
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";

export type OptionsKind = "CreateOptions" | "UpdateOptions" | "PatchOptions" | "DeleteOptions";

const FIELD_MANAGER_MAX_BYTES = 128;
const FIELD_VALIDATION = ["", "Ignore", "Strict", "Warn"];

/** Go's %q of a string (ASCII as JSON writes it). */
const quote = (s: string) => JSON.stringify(s);

/** The causes of the options every write has: fieldManager, dryRun, fieldValidation. */
export function writeOptionCauses(url: URL, kind: OptionsKind): StatusCause[] {
  const causes: StatusCause[] = [];
  causes.push(...fieldManagerCauses(url.searchParams.get("fieldManager") ?? "", "fieldManager"));
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

/**
 * ValidateFieldManager: at most 128 bytes, and every rune printable (unicode.IsPrint), each
 * other one a cause naming it as Go's %#U and its byte offset.
 */
export function fieldManagerCauses(manager: string, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const bytes = new TextEncoder().encode(manager).length;
  if (bytes > FIELD_MANAGER_MAX_BYTES)
    causes.push({
      reason: "FieldValueTooLong",
      message: `Too long: may not be more than ${FIELD_MANAGER_MAX_BYTES} bytes`,
      field,
    });
  let offset = 0;
  for (const ch of manager) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isPrint(ch))
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${goQuote(manager)}: invalid character U+${cp.toString(16).toUpperCase().padStart(4, "0")} (at position ${offset})`,
        field,
      });
    offset += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
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
  return StatusError.invalid({ group: "meta.k8s.io", kind }, "", causes);
}
