// Port numbers and IANA service names as upstream validates them
// (k8s.io/apimachinery pkg/util/validation/validation.go IsValidPortNum, IsValidPortName).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid } from "./field-errors.ts";

export const PORT_RANGE_MESSAGE = "must be between 1 and 65535, inclusive";

export function portNumber(field: string, port: number): StatusCause[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? []
    : [invalid(field, port, PORT_RANGE_MESSAGE)];
}

/** IANA_SVC_NAME: at most 15 characters of a-z, 0-9 and single inner hyphens, one letter at least. */
export function portName(field: string, name: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (name.length > 15) out.push(invalid(field, name, "must be no more than 15 characters"));
  if (!/^[-a-z0-9]+$/.test(name)) {
    out.push(invalid(field, name, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"));
  }
  if (!/[a-z]/.test(name)) out.push(invalid(field, name, "must contain at least one letter (a-z)"));
  if (name.includes("--")) out.push(invalid(field, name, "must not contain consecutive hyphens"));
  if (name.startsWith("-") || name.endsWith("-")) {
    out.push(invalid(field, name, "must not begin or end with a hyphen"));
  }
  return out;
}
