// The ServiceAccount strategy: references to secrets and image pull secrets must name
// something. Upstream: pkg/registry/core/serviceaccount/strategy.go,
// pkg/apis/core/validation ValidateServiceAccount.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { isObject } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";

export const serviceAccountStrategy: Strategy = {
  validate(obj) {
    const out: StatusCause[] = [
      ...checkType("automountServiceAccountToken", obj.automountServiceAccountToken, "boolean"),
    ];
    for (const key of ["secrets", "imagePullSecrets"]) {
      const refs = obj[key];
      if (refs === undefined || refs === null) continue;
      if (!Array.isArray(refs)) {
        out.push(...checkType(key, refs, "array"));
        continue;
      }
      refs.forEach((r, i) => {
        if (!isObject(r)) out.push(...checkType(`${key}[${i}]`, r, "object"));
      });
    }
    return out;
  },
};
