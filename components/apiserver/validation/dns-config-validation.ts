// Validation of a PodSpec's dnsConfig: at most 3 nameservers that are IPs (at least one when
// dnsPolicy is None), at most 32 search paths, named options. Upstream:
// pkg/apis/core/validation/validation.go validatePodDNSConfig.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid, required } from "./field-errors.ts";
import { invalidShown } from "./field-errors-extra.ts";
import { ipFamily } from "./ip-address.ts";
import { isObject, list, objects } from "./json.ts";
import { checkType } from "./type-checks.ts";

const goStrings = (v: unknown[]) => `[]string{${v.map((s) => JSON.stringify(String(s))).join(", ")}}`;

export function validateDnsConfig(path: string, config: unknown, dnsPolicy: unknown): StatusCause[] {
  if (config === undefined || config === null) {
    return dnsPolicy === "None" ? [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")] : [];
  }
  if (!isObject(config)) return checkType(path, config, "object");
  const out: StatusCause[] = [];
  const nameservers = list(config, "nameservers");
  if (dnsPolicy === "None" && nameservers.length === 0) {
    out.push(
      required(`${path}.nameservers`, "must provide at least one DNS nameserver when `dnsPolicy` is None"),
    );
  }
  if (nameservers.length > 3)
    out.push(
      invalidShown(`${path}.nameservers`, goStrings(nameservers), "must not have more than 3 nameservers"),
    );
  nameservers.forEach((ns, i) => {
    if (typeof ns !== "string" || !ipFamily(ns))
      out.push(invalid(`${path}.nameservers[${i}]`, ns, "must be valid IP address"));
  });
  const searches = list(config, "searches");
  if (searches.length > 32)
    out.push(
      invalidShown(`${path}.searches`, goStrings(searches), "must not have more than 32 search paths"),
    );
  for (const [o, i] of objects(config, "options"))
    if (!o.name) out.push(required(`${path}.options[${i}].name`));
  return out;
}
