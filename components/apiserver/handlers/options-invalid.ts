// Invalid request options (upstream's ValidateCreateOptions, ValidateUpdateOptions,
// ValidatePatchOptions and ValidateDeleteOptions in apimachinery pkg/apis/meta/v1/validation):
// a 422 naming the options kind of the meta.k8s.io group, every problem one cause.
import { goQuote } from "../../../lib/errors/go-quote.ts";
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import { fieldManagerCauses } from "../fieldmanager/managed-fields-validation.ts";

export type OptionsKind = "CreateOptions" | "UpdateOptions" | "PatchOptions" | "DeleteOptions";

const FIELD_VALIDATION = ["", "Ignore", "Strict", "Warn"];

/** The causes of the options every write has: fieldManager, dryRun, fieldValidation. */
export function writeOptionCauses(url: URL, kind: OptionsKind): StatusCause[] {
  const causes: StatusCause[] = [];
  causes.push(...fieldManagerCauses(url.searchParams.get("fieldManager") ?? "", "fieldManager"));
  causes.push(...dryRunCauses(url.searchParams.getAll("dryRun")));
  const mode = url.searchParams.get("fieldValidation");
  if (kind !== "DeleteOptions" && mode !== null && !FIELD_VALIDATION.includes(mode))
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${goQuote(mode)}: supported values: ${FIELD_VALIDATION.map(goQuote).join(", ")}`,
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
      message: `Unsupported value: []string{${values.map(goQuote).join(", ")}}: supported values: "All"`,
      field: "dryRun",
    },
  ];
}

/** The 422 upstream answers: `CreateOptions.meta.k8s.io "" is invalid: dryRun: ...`. */
export function optionsInvalid(kind: OptionsKind, causes: StatusCause[]): StatusError {
  return StatusError.invalid({ group: "meta.k8s.io", kind }, "", causes);
}
