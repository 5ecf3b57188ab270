// The ResourceQuota strategy: an empty status on create, quantities in spec.hard valid and
// non-negative, known scopes. Upstream: pkg/registry/core/resourcequota/strategy.go,
// pkg/apis/core/validation ValidateResourceQuota.

import { QUANTITY_MESSAGE, quantityNanos } from "../../../lib/api/quantity.ts";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported } from "../validation/field-errors.ts";
import { child, isObject, list } from "../validation/json.ts";
import { qualifiedName } from "../validation/qualified-name.ts";
import { checkType } from "../validation/type-checks.ts";

const SCOPES = [
  "BestEffort",
  "CrossNamespacePodAffinity",
  "NotBestEffort",
  "NotTerminating",
  "PriorityClass",
  "Terminating",
];

export const resourceQuotaStrategy: Strategy = {
  prepareForCreate(obj) {
    obj.status = {};
  },
  validate(obj) {
    const spec = obj.spec;
    if (spec === undefined || spec === null) return [];
    if (!isObject(spec)) return checkType("spec", spec, "object");
    const out: StatusCause[] = [...checkType("spec.hard", spec.hard, "object")];
    for (const [k, v] of Object.entries(child(spec, "hard") ?? {})) {
      const at = `spec.hard[${k}]`;
      out.push(...qualifiedName(at, k));
      const n = quantityNanos(v);
      if (n === undefined) out.push(invalid(at, v, QUANTITY_MESSAGE));
      else if (n < 0n) out.push(invalid(at, v, "must be greater than or equal to 0"));
    }
    list(spec, "scopes").forEach((s, i) => {
      if (!SCOPES.includes(s as string)) out.push(notSupported(`spec.scopes[${i}]`, s, SCOPES));
    });
    return out;
  },
};
