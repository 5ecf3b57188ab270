// Qualified names (label keys, annotation keys, finalizers) and label values, with upstream's
// messages (k8s.io/apimachinery pkg/util/validation/validation.go IsQualifiedName,
// IsValidLabelValue; pkg/apis/meta/v1/validation ValidateLabels).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid } from "./field-errors.ts";

const NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const nameRe = new RegExp(`^${NAME}$`);
const LABEL_VALUE = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const valueRe = new RegExp(`^${LABEL_VALUE}$`);
const SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const subdomainRe = new RegExp(`^${SUBDOMAIN}$`);

const NAME_MSG = `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${NAME}')`;
const QUALIFIED_MSG = `a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${NAME}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;

/** The messages of IsQualifiedName (empty when valid). */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split("/");
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else if (prefix.length > 253) errs.push("prefix part must be no more than 253 characters");
    else if (!subdomainRe.test(prefix)) {
      errs.push(
        `prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN}')`,
      );
    }
  } else {
    return [QUALIFIED_MSG];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  if (name.length > 0 && !nameRe.test(name)) errs.push(NAME_MSG);
  return errs;
}

export function qualifiedName(field: string, value: string): StatusCause[] {
  return qualifiedNameErrors(value).map((m) => invalid(field, value, m));
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!valueRe.test(value)) {
    errs.push(
      `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`,
    );
  }
  return errs;
}

/** A label map at `field` (e.g. `spec.template.metadata.labels`); non-strings are type errors. */
export function labelMap(field: string, labels: unknown): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== "object" || Array.isArray(labels)) {
    return [invalid(field, labels, "must be a map of strings")];
  }
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    out.push(...qualifiedName(field, k));
    if (typeof v !== "string") {
      out.push(invalid(field, v, "must be a string"));
      continue;
    }
    for (const m of labelValueErrors(v)) out.push(invalid(field, v, m));
  }
  return out;
}
