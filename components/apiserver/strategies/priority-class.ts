// The PriorityClass strategy (scheduling.k8s.io/v1): preemptionPolicy default, the reserved
// system- prefix and value ceiling for user classes, immutable value and preemptionPolicy.
// Upstream: pkg/apis/scheduling/v1/defaults.go, pkg/apis/scheduling/validation/validation.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { SYSTEM_PRIORITIES } from "../defaults/pod-admission-defaults.ts";
import type { Strategy } from "../registry/strategy.ts";
import { forbidden, notSupported, required } from "../validation/field-errors.ts";
import { immutableField } from "../validation/immutable.ts";
import { jsonEqual, setDefault } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";

const HIGHEST_USER_PRIORITY = 1000000000;

export const priorityClassStrategy: Strategy = {
  defaults(obj) {
    setDefault(obj, "preemptionPolicy", "PreemptLowerPriority");
  },
  validate(obj) {
    const out: StatusCause[] = [
      ...checkType("globalDefault", obj.globalDefault, "boolean"),
      ...checkType("description", obj.description, "string"),
    ];
    if (obj.value === undefined || obj.value === null) out.push(required("value"));
    else if (typeof obj.value !== "number" || !Number.isInteger(obj.value))
      out.push(...checkType("value", obj.value, "integer"));
    const name = obj.metadata?.name ?? "";
    const system =
      SYSTEM_PRIORITIES[name] !== undefined &&
      SYSTEM_PRIORITIES[name] === obj.value &&
      obj.globalDefault !== true;
    if (!system) {
      if (name.startsWith("system-")) {
        out.push(
          forbidden(
            "metadata.name",
            "priority class names with 'system-' prefix are reserved for system use only",
          ),
        );
      }
      if (typeof obj.value === "number" && obj.value > HIGHEST_USER_PRIORITY) {
        out.push(
          forbidden("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`),
        );
      }
    }
    const policy = obj.preemptionPolicy;
    if (policy !== undefined && policy !== "PreemptLowerPriority" && policy !== "Never") {
      out.push(notSupported("preemptionPolicy", policy, ["Never", "PreemptLowerPriority"]));
    }
    return out;
  },
  validateUpdate(obj, old) {
    const out: StatusCause[] = [];
    if (!jsonEqual(obj.value, old.value)) out.push(forbidden("value", "may not be changed in an update."));
    out.push(...immutableField("preemptionPolicy", obj.preemptionPolicy, old.preemptionPolicy));
    return out;
  },
};
