// IP address syntax as upstream's IsValidIP accepts it (net.ParseIP: dotted IPv4 without
// leading zeros, RFC 4291 IPv6), with its message (k8s.io/apimachinery pkg/util/validation/ip.go).
import { isIP } from "node:net";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid } from "./field-errors.ts";

export const IP_MESSAGE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

export function ipFamily(value: string): "IPv4" | "IPv6" | undefined {
  const v = isIP(value);
  if (v === 4) return /(^|\.)0\d/.test(value) ? undefined : "IPv4";
  return v === 6 ? "IPv6" : undefined;
}

export function ipAddress(field: string, value: string): StatusCause[] {
  return ipFamily(value) ? [] : [invalid(field, value, IP_MESSAGE)];
}
