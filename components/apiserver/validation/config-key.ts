// Keys of ConfigMap and Secret data (k8s.io/apimachinery pkg/util/validation IsConfigMapKey).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid } from "./field-errors.ts";

const KEY = "[-._a-zA-Z0-9]+";
const keyRe = new RegExp(`^${KEY}$`);

export function configKey(field: string, key: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (key.length > 253) out.push(invalid(field, key, "must be no more than 253 characters"));
  if (!keyRe.test(key)) {
    out.push(
      invalid(
        field,
        key,
        `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${KEY}')`,
      ),
    );
  }
  if (key === ".") out.push(invalid(field, key, "must not be '.'"));
  else if (key === "..") out.push(invalid(field, key, "must not be '..'"));
  else if (key.startsWith("..")) out.push(invalid(field, key, "must not start with '..'"));
  return out;
}
