// Name formats of Kubernetes objects and their upstream messages
// (k8s.io/apimachinery pkg/util/validation/validation.go).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid, required, tooLong } from "./field-errors.ts";

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const DNS1035 = "[a-z]([-a-z0-9]*[a-z0-9])?";

const labelRe = new RegExp(`^${LABEL}$`);
const subdomainRe = new RegExp(`^${SUBDOMAIN}$`);
const dns1035Re = new RegExp(`^${DNS1035}$`);

export function dns1123Label(field: string, value: string): StatusCause[] {
  if (value.length > 63) return [invalid(field, value, "must be no more than 63 characters")];
  if (!labelRe.test(value)) {
    return [
      invalid(
        field,
        value,
        `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${LABEL}')`,
      ),
    ];
  }
  return [];
}

export function dns1123Subdomain(field: string, value: string): StatusCause[] {
  if (value.length > 253) return [invalid(field, value, "must be no more than 253 characters")];
  if (!subdomainRe.test(value)) {
    return [
      invalid(
        field,
        value,
        `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN}')`,
      ),
    ];
  }
  return [];
}

export function dns1035Label(field: string, value: string): StatusCause[] {
  if (value.length > 63) return [invalid(field, value, "must be no more than 63 characters")];
  if (!dns1035Re.test(value)) {
    return [
      invalid(
        field,
        value,
        `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035}')`,
      ),
    ];
  }
  return [];
}

/** metadata.name (or generateName) of a new object. */
export function objectName(
  name: string | undefined,
  generateName: string | undefined,
  label: boolean,
): StatusCause[] {
  if (!name) {
    return generateName ? [] : [required("metadata.name", "name or generateName is required")];
  }
  return label ? dns1123Label("metadata.name", name) : dns1123Subdomain("metadata.name", name);
}

/** Labels and annotations: key syntax and value syntax as upstream. */
export function labelsAndAnnotations(meta: {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): StatusCause[] {
  const out: StatusCause[] = [];
  const keyRe =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
  const valueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (!keyRe.test(k) || k.split("/").pop()!.length > 63) {
      out.push(
        invalid(
          "metadata.labels",
          k,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
      );
    }
    if (typeof v !== "string" || v.length > 63 || !valueRe.test(v)) {
      out.push(
        invalid(
          "metadata.labels",
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  let size = 0;
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    if (!keyRe.test(k))
      out.push(
        invalid(
          "metadata.annotations",
          k,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    if (typeof v !== "string")
      out.push(invalid(`metadata.annotations`, v, "annotation values must be strings"));
    size += k.length + (typeof v === "string" ? v.length : 0);
  }
  if (size > 256 * 1024) out.push(tooLong("metadata.annotations", 256 * 1024));
  return out;
}
