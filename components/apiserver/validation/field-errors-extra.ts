// More field errors worded as upstream (k8s.io/apimachinery pkg/util/validation/field
// errors.go): NotFound, TypeInvalid, TooMany, and Invalid with a value already rendered the
// way Go prints it (`map[string]string{"app":"web"}`).
import type { StatusCause } from "../../../lib/errors/status-error.ts";

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));

export function notFound(field: string, value: unknown): StatusCause {
  return { reason: "FieldValueNotFound", message: `Not found: ${show(value)}`, field };
}

/** A value of the wrong JSON type (a string where a number belongs). */
export function typeInvalid(field: string, value: unknown, type: string): StatusCause {
  return {
    reason: "FieldValueTypeInvalid",
    message: `Invalid value: ${show(value)}: must be of type ${type}`,
    field,
  };
}

export function tooMany(field: string, actual: number, max: number): StatusCause {
  return {
    reason: "FieldValueTooMany",
    message: `Too many: ${actual}: must have at most ${max} items`,
    field,
  };
}

/** Invalid with the value text given verbatim (Go's %#v or a String() rendering). */
export function invalidShown(field: string, shown: string, detail: string): StatusCause {
  return { reason: "FieldValueInvalid", message: `Invalid value: ${shown}: ${detail}`, field };
}

/** Duplicate with the value text given verbatim (Go's %#v of a key struct). */
export function duplicateShown(field: string, shown: string): StatusCause {
  return { reason: "FieldValueDuplicate", message: `Duplicate value: ${shown}`, field };
}
