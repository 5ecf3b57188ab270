// The ReplicaSet strategy: replicas default 1, pod template defaults, a fresh status on
// create (Go always prints status.replicas), validation and the immutable selector; field
// selector status.replicas. Upstream: pkg/registry/apps/replicaset/strategy.go,
// pkg/apis/apps/validation/validation.go ValidateReplicaSetSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { defaultTemplateOf } from "../defaults/pod-template-defaults.ts";
import { statusZeros } from "../defaults/status-zeros.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { required } from "../validation/field-errors.ts";
import { immutableSelector } from "../validation/immutable.ts";
import { child, ensure, isObject } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";
import { nonNegative } from "../validation/workload-fields.ts";
import { validateSelectorAndTemplate } from "../validation/workload-selector.ts";

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  return [
    ...nonNegative("spec.replicas", spec.replicas),
    ...nonNegative("spec.minReadySeconds", spec.minReadySeconds),
    ...validateSelectorAndTemplate("spec", spec, {
      emptySelector: "empty selector is invalid for deployment",
      alwaysRestartKind: "ReplicaSet",
    }),
  ];
}

export const replicaSetStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    const spec = ensure(obj, "spec");
    if (!spec) return;
    if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
    defaultTemplateOf(spec);
    statusZeros(obj, ["replicas"]);
  },
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj, _old, ctx) {
    if (ctx.subresource === "status") statusZeros(obj, ["replicas"]);
  },
  validate,
  validateUpdate: immutableSelector,
  fields(obj) {
    const replicas = child(obj, "status")?.replicas;
    return { "status.replicas": String(typeof replicas === "number" ? replicas : 0) };
  },
};
