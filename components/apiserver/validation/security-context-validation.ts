// Validation of pod and container security contexts: user, group and fsGroup ranges and the
// privileged/allowPrivilegeEscalation conflict. Upstream: pkg/apis/core/validation/validation.go
// validatePodSpecSecurityContext and ValidateSecurityContext.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid } from "./field-errors.ts";
import { isObject } from "./json.ts";
import { checkType } from "./type-checks.ts";

const ID_RANGE = "must be between 0 and 2147483647, inclusive";

function ids(path: string, ctx: Record<string, unknown>, keys: string[]): StatusCause[] {
  const out: StatusCause[] = [];
  for (const key of keys) {
    const v = ctx[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isInteger(v)) out.push(...checkType(`${path}.${key}`, v, "integer"));
    else if (v < 0 || v > 2147483647) out.push(invalid(`${path}.${key}`, v, ID_RANGE));
  }
  return out;
}

export function validatePodSecurityContext(path: string, ctx: unknown): StatusCause[] {
  if (ctx === undefined || ctx === null) return [];
  if (!isObject(ctx)) return checkType(path, ctx, "object");
  const out = ids(path, ctx, ["runAsUser", "runAsGroup", "fsGroup"]);
  const groups = ctx.supplementalGroups;
  if (Array.isArray(groups)) {
    groups.forEach((g, i) => {
      if (typeof g !== "number" || g < 0 || g > 2147483647)
        out.push(invalid(`${path}.supplementalGroups[${i}]`, g, ID_RANGE));
    });
  }
  return out;
}

export function validateContainerSecurityContext(path: string, ctx: unknown): StatusCause[] {
  if (ctx === undefined || ctx === null) return [];
  if (!isObject(ctx)) return checkType(path, ctx, "object");
  const out = ids(path, ctx, ["runAsUser", "runAsGroup"]);
  for (const key of ["privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsNonRoot"]) {
    out.push(...checkType(`${path}.${key}`, ctx[key], "boolean"));
  }
  if (ctx.privileged === true && ctx.allowPrivilegeEscalation === false) {
    out.push(invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
  }
  return out;
}
