// Validation of a container's resources (requests and limits): quantity syntax, no negative
// values, requests not above limits. Upstream: pkg/apis/core/validation/validation.go
// ValidateResourceRequirements and ValidateResourceQuantityValue.

import { QUANTITY_MESSAGE, quantityNanos } from "../../../lib/api/quantity.ts";
import { formatQuantity } from "../../../lib/api/quantity-format.ts";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid, required } from "./field-errors.ts";
import { child, isObject, type JsonObject } from "./json.ts";
import { qualifiedName } from "./qualified-name.ts";
import { checkType } from "./type-checks.ts";

const STANDARD = ["cpu", "memory", "ephemeral-storage"];

/** Native resources other than huge pages may be requested below their limit (helper.IsOvercommitAllowed). */
function overcommitAllowed(name: string): boolean {
  const native = !name.includes("/") || name.includes("kubernetes.io/");
  return native && !name.startsWith("hugepages-");
}

function resourceList(path: string, list: unknown, out: StatusCause[]): Map<string, bigint> {
  const values = new Map<string, bigint>();
  if (list === undefined || list === null) return values;
  if (!isObject(list)) {
    out.push(...checkType(path, list, "object"));
    return values;
  }
  for (const [name, q] of Object.entries(list)) {
    const field = `${path}[${name}]`;
    out.push(...qualifiedName(field, name));
    if (!name.includes("/") && !STANDARD.includes(name) && !name.startsWith("hugepages-")) {
      out.push(invalid(field, name, "must be a standard resource for containers"));
    }
    const nanos = quantityNanos(q);
    if (nanos === undefined) {
      out.push(invalid(field, q, QUANTITY_MESSAGE));
      continue;
    }
    if (nanos < 0n)
      out.push(invalid(field, typeof q === "string" ? q : String(q), "must be greater than or equal to 0"));
    values.set(name, nanos);
  }
  return values;
}

export function validateResources(path: string, resources: JsonObject | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  if (!resources) return out;
  const limits = resourceList(`${path}.limits`, resources.limits, out);
  const requests = resourceList(`${path}.requests`, resources.requests, out);
  const limitList = child(resources, "limits") ?? {};
  const requestList = child(resources, "requests") ?? {};
  for (const [name, req] of requests) {
    const lim = limits.get(name);
    if (lim === undefined) {
      if (!overcommitAllowed(name))
        out.push(required(`${path}.limits`, "Limit must be set for non overcommitable resources"));
    } else if (!overcommitAllowed(name) && req !== lim) {
      out.push(
        invalid(
          `${path}.requests`,
          formatQuantity(String(requestList[name])),
          `must be equal to ${name} limit of ${formatQuantity(String(limitList[name]))}`,
        ),
      );
    } else if (req > lim) {
      out.push(
        invalid(
          `${path}.requests`,
          formatQuantity(String(requestList[name])),
          `must be less than or equal to ${name} limit of ${formatQuantity(String(limitList[name]))}`,
        ),
      );
    }
  }
  return out;
}
