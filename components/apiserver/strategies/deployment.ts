// The Deployment strategy: SetDefaults_Deployment (replicas 1, RollingUpdate 25%/25%,
// revisionHistoryLimit 10, progressDeadlineSeconds 600) and the pod template defaults, a
// fresh status on create, generation bumps also on annotation changes, validation and the
// immutable selector. Upstream: pkg/apis/apps/v1/defaults.go, pkg/registry/apps/deployment/
// strategy.go, pkg/apis/apps/validation/validation.go ValidateDeploymentSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { defaultTemplateOf } from "../defaults/pod-template-defaults.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { forbidden, invalid, notSupported, required } from "../validation/field-errors.ts";
import { invalidShown } from "../validation/field-errors-extra.ts";
import { goIntOrString } from "../validation/go-format.ts";
import { immutableSelector } from "../validation/immutable.ts";
import { ensure, isObject, jsonEqual, setDefault } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";
import {
  intOrPercent,
  isZeroIntOrPercent,
  nonNegative,
  notMoreThan100Percent,
} from "../validation/workload-fields.ts";
import { validateSelectorAndTemplate } from "../validation/workload-selector.ts";

function defaults(obj: KObject): void {
  const spec = ensure(obj, "spec");
  if (!spec) return;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  const strategy = ensure(spec, "strategy");
  if (strategy) {
    setDefault(strategy, "type", "RollingUpdate");
    if (strategy.type === "RollingUpdate") {
      const ru = ensure(strategy, "rollingUpdate");
      if (ru) {
        if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = "25%";
        if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = "25%";
      }
    }
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null)
    spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null)
    spec.progressDeadlineSeconds = 600;
  defaultTemplateOf(spec);
}

function validateStrategy(path: string, strategy: unknown): StatusCause[] {
  if (!isObject(strategy)) return checkType(path, strategy, "object");
  const out: StatusCause[] = [];
  switch (strategy.type) {
    case "Recreate":
      if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
        out.push(
          forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"),
        );
      }
      break;
    case "RollingUpdate": {
      const ru = strategy.rollingUpdate;
      if (!isObject(ru)) {
        out.push(required(`${path}.rollingUpdate`, "this should be defaulted and never be nil"));
        break;
      }
      out.push(...intOrPercent(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable));
      out.push(...intOrPercent(`${path}.rollingUpdate.maxSurge`, ru.maxSurge));
      if (isZeroIntOrPercent(ru.maxUnavailable) && isZeroIntOrPercent(ru.maxSurge)) {
        out.push(
          invalidShown(
            `${path}.rollingUpdate.maxUnavailable`,
            goIntOrString(ru.maxUnavailable),
            "may not be 0 when `maxSurge` is 0",
          ),
        );
      }
      out.push(...notMoreThan100Percent(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable));
      break;
    }
    default:
      out.push(notSupported(`${path}.type`, strategy.type ?? "", ["Recreate", "RollingUpdate"]));
  }
  return out;
}

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  const out: StatusCause[] = [];
  out.push(...nonNegative("spec.replicas", spec.replicas));
  out.push(
    ...validateSelectorAndTemplate("spec", spec, {
      emptySelector: "empty selector is invalid for deployment",
      alwaysRestartKind: "ReplicaSet",
    }),
  );
  out.push(...validateStrategy("spec.strategy", spec.strategy ?? {}));
  out.push(...nonNegative("spec.minReadySeconds", spec.minReadySeconds));
  out.push(...nonNegative("spec.revisionHistoryLimit", spec.revisionHistoryLimit));
  out.push(...checkType("spec.paused", spec.paused, "boolean"));
  const pds = spec.progressDeadlineSeconds;
  out.push(...nonNegative("spec.progressDeadlineSeconds", pds));
  const mrs = typeof spec.minReadySeconds === "number" ? spec.minReadySeconds : 0;
  if (typeof pds === "number" && pds <= mrs) {
    out.push(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
  }
  return out;
}

export const deploymentStrategy: Strategy = {
  generation: true,
  defaults,
  prepareForCreate(obj) {
    obj.status = {};
  },
  validate,
  // Upstream also bumps the generation when only annotations change (rollback and pause markers).
  generationChanged(obj, old) {
    return !jsonEqual(obj.metadata?.annotations, old.metadata.annotations);
  },
  validateUpdate(obj, old) {
    return immutableSelector(obj, old);
  },
};
