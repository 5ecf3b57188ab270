// The Lease strategy (coordination.k8s.io/v1): positive durations, non-negative transitions;
// PUT may create. Upstream: pkg/registry/coordination/lease/strategy.go,
// pkg/apis/coordination/validation/validation.go ValidateLeaseSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid } from "../validation/field-errors.ts";
import { isObject } from "../validation/json.ts";
import { checkFields, checkType } from "../validation/type-checks.ts";
import { nonNegative } from "../validation/workload-fields.ts";

export const leaseStrategy: Strategy = {
  allowCreateOnUpdate: true,
  validate(obj) {
    const spec = obj.spec;
    if (spec === undefined || spec === null) return [];
    if (!isObject(spec)) return checkType("spec", spec, "object");
    const typed = checkFields("spec", spec, {
      holderIdentity: "string",
      leaseDurationSeconds: "integer",
      leaseTransitions: "integer",
      acquireTime: "string",
      renewTime: "string",
    });
    if (typed.length) return typed;
    const out: StatusCause[] = [];
    if (typeof spec.leaseDurationSeconds === "number" && spec.leaseDurationSeconds <= 0) {
      out.push(invalid("spec.leaseDurationSeconds", spec.leaseDurationSeconds, "must be greater than 0"));
    }
    out.push(...nonNegative("spec.leaseTransitions", spec.leaseTransitions));
    return out;
  },
};
