// The PodDisruptionBudget strategy (policy/v1): an empty status on create (Go prints its
// four counters), generation, minAvailable xor maxUnavailable, selector syntax,
// unhealthyPodEvictionPolicy. Upstream: pkg/registry/policy/poddisruptionbudget/strategy.go,
// pkg/apis/policy/validation/validation.go ValidatePodDisruptionBudgetSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { statusZeros } from "../defaults/status-zeros.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported } from "../validation/field-errors.ts";
import { isObject } from "../validation/json.ts";
import { labelSelector } from "../validation/label-selector.ts";
import { checkType } from "../validation/type-checks.ts";
import { intOrPercent, notMoreThan100Percent } from "../validation/workload-fields.ts";

const STATUS_ZEROS = ["currentHealthy", "desiredHealthy", "disruptionsAllowed", "expectedPods"];

export const pdbStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    statusZeros(obj, STATUS_ZEROS);
  },
  prepareForCreate(obj) {
    obj.status = Object.fromEntries(STATUS_ZEROS.map((f) => [f, 0]));
  },
  prepareForUpdate(obj, _old, ctx) {
    if (ctx.subresource === "status") statusZeros(obj, STATUS_ZEROS);
  },
  validate(obj) {
    const spec = obj.spec;
    if (spec === undefined || spec === null) return [];
    if (!isObject(spec)) return checkType("spec", spec, "object");
    const out: StatusCause[] = [];
    const min = spec.minAvailable;
    const max = spec.maxUnavailable;
    if (min !== undefined && min !== null && max !== undefined && max !== null) {
      out.push(invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set"));
    }
    out.push(...intOrPercent("spec.minAvailable", min), ...notMoreThan100Percent("spec.minAvailable", min));
    out.push(
      ...intOrPercent("spec.maxUnavailable", max),
      ...notMoreThan100Percent("spec.maxUnavailable", max),
    );
    out.push(...labelSelector("spec.selector", spec.selector));
    const policy = spec.unhealthyPodEvictionPolicy;
    if (policy !== undefined && policy !== null && policy !== "IfHealthyBudget" && policy !== "AlwaysAllow") {
      out.push(notSupported("spec.unhealthyPodEvictionPolicy", policy, ["AlwaysAllow", "IfHealthyBudget"]));
    }
    return out;
  },
};
