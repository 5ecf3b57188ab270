// The ReplicationController strategy: replicas default 1, selector and labels default to the
// template's labels, pod template defaults, fresh status on create, validation with a
// map selector; field selector status.replicas. Upstream: pkg/apis/core/v1/defaults.go
// SetDefaults_ReplicationController, pkg/registry/core/replicationcontroller/strategy.go,
// pkg/apis/core/validation/validation.go ValidateReplicationControllerSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { defaultPodTemplate } from "../defaults/pod-template-defaults.ts";
import { statusZeros } from "../defaults/status-zeros.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { required } from "../validation/field-errors.ts";
import { child, ensure, isObject, stringMap } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";
import { nonNegative } from "../validation/workload-fields.ts";
import { validateMapSelectorAndTemplate } from "../validation/workload-selector.ts";

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  return [
    ...nonNegative("spec.replicas", spec.replicas),
    ...nonNegative("spec.minReadySeconds", spec.minReadySeconds),
    ...validateMapSelectorAndTemplate("spec", spec),
  ];
}

export const replicationControllerStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    const spec = ensure(obj, "spec");
    if (!spec) return;
    if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
    const template = child(spec, "template");
    if (template) {
      defaultPodTemplate(template);
      const labels = child(template, "metadata")?.labels;
      if (isObject(labels)) {
        if (Object.keys(stringMap(spec.selector)).length === 0) spec.selector = { ...labels };
        const meta = obj.metadata ?? {};
        obj.metadata = meta;
        if (!meta.labels || Object.keys(meta.labels).length === 0) meta.labels = stringMap(labels);
      }
    }
    statusZeros(obj, ["replicas"]);
  },
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj, _old, ctx) {
    if (ctx.subresource === "status") statusZeros(obj, ["replicas"]);
  },
  validate,
  fields(obj) {
    const replicas = child(obj, "status")?.replicas;
    return { "status.replicas": String(typeof replicas === "number" ? replicas : 0) };
  },
};
