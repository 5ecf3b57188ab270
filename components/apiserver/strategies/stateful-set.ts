// The StatefulSet strategy: SetDefaults_StatefulSet (OrderedReady, RollingUpdate partition 0,
// PVC retention Retain/Retain, replicas 1, revisionHistoryLimit 10), PVC template defaults, a
// fresh status on create, validation and the update rule (only some spec fields may change).
// Upstream: pkg/apis/apps/v1/defaults.go, pkg/registry/apps/statefulset/strategy.go,
// pkg/apis/apps/validation/validation.go ValidateStatefulSetSpec and ValidateStatefulSetUpdate.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { defaultTemplateOf } from "../defaults/pod-template-defaults.ts";
import { statusZeros } from "../defaults/status-zeros.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { forbidden, invalid, required } from "../validation/field-errors.ts";
import {
  child,
  ensure,
  isObject,
  type JsonObject,
  jsonEqual,
  objects,
  setDefault,
} from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";
import { intOrPercent, nonNegative } from "../validation/workload-fields.ts";
import { validateSelectorAndTemplate } from "../validation/workload-selector.ts";
import { defaultClaimTemplate } from "./persistent-volume-claim.ts";

function defaults(obj: KObject): void {
  const spec = ensure(obj, "spec");
  if (!spec) return;
  setDefault(spec, "podManagementPolicy", "OrderedReady");
  const us = ensure(spec, "updateStrategy");
  if (us) {
    if (us.type === undefined || us.type === null || us.type === "") {
      us.type = "RollingUpdate";
      ensure(us, "rollingUpdate");
    }
    const ru = child(us, "rollingUpdate");
    if (us.type === "RollingUpdate" && ru && (ru.partition === undefined || ru.partition === null))
      ru.partition = 0;
  }
  const retention = ensure(spec, "persistentVolumeClaimRetentionPolicy");
  if (retention) {
    setDefault(retention, "whenDeleted", "Retain");
    setDefault(retention, "whenScaled", "Retain");
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null)
    spec.revisionHistoryLimit = 10;
  defaultTemplateOf(spec);
  for (const [claim] of objects(spec, "volumeClaimTemplates")) defaultClaimTemplate(claim);
  statusZeros(obj, ["replicas", "availableReplicas"]);
}

function validateUpdateStrategy(spec: JsonObject): StatusCause[] {
  const us = child(spec, "updateStrategy");
  if (!us) return checkType("spec.updateStrategy", spec.updateStrategy, "object");
  const out: StatusCause[] = [];
  switch (us.type) {
    case "OnDelete":
      if (us.rollingUpdate !== undefined && us.rollingUpdate !== null) {
        out.push(
          invalid(
            "spec.updateStrategy.rollingUpdate",
            us.rollingUpdate,
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      }
      break;
    case "RollingUpdate": {
      const ru = child(us, "rollingUpdate");
      out.push(...nonNegative("spec.updateStrategy.rollingUpdate.partition", ru?.partition));
      out.push(...intOrPercent("spec.updateStrategy.rollingUpdate.maxUnavailable", ru?.maxUnavailable));
      break;
    }
    case undefined:
    case "":
      out.push(required("spec.updateStrategy"));
      break;
    default:
      out.push(invalid("spec.updateStrategy", us.type, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  return out;
}

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  const out: StatusCause[] = [];
  const pmp = spec.podManagementPolicy;
  if (pmp === undefined || pmp === "") out.push(required("spec.podManagementPolicy"));
  else if (pmp !== "OrderedReady" && pmp !== "Parallel") {
    out.push(invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  out.push(...validateUpdateStrategy(spec));
  for (const key of ["whenDeleted", "whenScaled"]) {
    const v = child(spec, "persistentVolumeClaimRetentionPolicy")?.[key];
    if (v !== undefined && v !== "Retain" && v !== "Delete") {
      out.push(
        invalid(`spec.persistentVolumeClaimRetentionPolicy.${key}`, v, "must be 'Retain' or 'Delete'"),
      );
    }
  }
  out.push(...nonNegative("spec.replicas", spec.replicas));
  out.push(...nonNegative("spec.minReadySeconds", spec.minReadySeconds));
  out.push(...nonNegative("spec.revisionHistoryLimit", spec.revisionHistoryLimit));
  out.push(...nonNegative("spec.ordinals.start", child(spec, "ordinals")?.start));
  out.push(...checkType("spec.serviceName", spec.serviceName, "string"));
  out.push(
    ...validateSelectorAndTemplate("spec", spec, {
      emptySelector: "empty selector is invalid for statefulset",
      alwaysRestartKind: "StatefulSet",
    }),
  );
  return out;
}

const MUTABLE = [
  "replicas",
  "ordinals",
  "template",
  "updateStrategy",
  "persistentVolumeClaimRetentionPolicy",
  "minReadySeconds",
  "revisionHistoryLimit",
];

export const statefulSetStrategy: Strategy = {
  generation: true,
  defaults,
  prepareForCreate(obj) {
    obj.status = { replicas: 0, availableReplicas: 0 };
  },
  prepareForUpdate(obj, _old, ctx) {
    if (ctx.subresource === "status") statusZeros(obj, ["replicas", "availableReplicas"]);
  },
  validate,
  validateUpdate(obj, old) {
    const spec = { ...(child(obj, "spec") ?? {}) };
    const oldSpec = { ...(child(old, "spec") ?? {}) };
    for (const k of MUTABLE) {
      delete spec[k];
      delete oldSpec[k];
    }
    if (jsonEqual(spec, oldSpec)) return [];
    return [
      forbidden(
        "spec",
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    ];
  },
};
