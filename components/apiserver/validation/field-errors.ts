// Field errors as upstream words them (k8s.io/apimachinery pkg/util/validation/field
// errors.go): the cause's `message` is the error body, its `field` the path. kubectl prints
// `<field>: <body>` for each cause of a 422.
import type { StatusCause } from "../../../lib/errors/status-error.ts";

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));

export function required(field: string, detail = ""): StatusCause {
  return {
    reason: "FieldValueRequired",
    message: detail ? `Required value: ${detail}` : "Required value",
    field,
  };
}

export function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: "FieldValueInvalid", message: `Invalid value: ${show(value)}: ${detail}`, field };
}

export function notSupported(field: string, value: unknown, supported: string[]): StatusCause {
  const list = supported.map((s) => JSON.stringify(s)).join(", ");
  return {
    reason: "FieldValueNotSupported",
    message: `Unsupported value: ${show(value)}: supported values: ${list}`,
    field,
  };
}

export function duplicate(field: string, value: unknown): StatusCause {
  return { reason: "FieldValueDuplicate", message: `Duplicate value: ${show(value)}`, field };
}

export function forbidden(field: string, detail: string): StatusCause {
  return { reason: "FieldValueForbidden", message: `Forbidden: ${detail}`, field };
}

export function tooLong(field: string, max: number): StatusCause {
  return { reason: "FieldValueTooLong", message: `Too long: may not be more than ${max} bytes`, field };
}

export function immutable(field: string, value: unknown): StatusCause {
  return invalid(field, value, "field is immutable");
}
