// The DaemonSet strategy: SetDefaults_DaemonSet (RollingUpdate maxUnavailable 1 maxSurge 0,
// revisionHistoryLimit 10), pod template defaults, the template-generation annotation, a
// fresh status on create, validation and the immutable selector. Upstream:
// pkg/apis/apps/v1/defaults.go, pkg/registry/apps/daemonset/strategy.go,
// pkg/apis/apps/validation/validation.go ValidateDaemonSetSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { defaultTemplateOf } from "../defaults/pod-template-defaults.ts";
import { statusZeros } from "../defaults/status-zeros.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported, required } from "../validation/field-errors.ts";
import { invalidShown } from "../validation/field-errors-extra.ts";
import { goIntOrString } from "../validation/go-format.ts";
import { immutableSelector } from "../validation/immutable.ts";
import { child, ensure, isObject, jsonEqual, setDefault } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";
import {
  intOrPercent,
  isZeroIntOrPercent,
  nonNegative,
  notMoreThan100Percent,
} from "../validation/workload-fields.ts";
import { validateSelectorAndTemplate } from "../validation/workload-selector.ts";

const TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";
const STATUS_ZEROS = [
  "currentNumberScheduled",
  "desiredNumberScheduled",
  "numberMisscheduled",
  "numberReady",
];

function defaults(obj: KObject): void {
  const spec = ensure(obj, "spec");
  if (!spec) return;
  const us = ensure(spec, "updateStrategy");
  if (us) {
    setDefault(us, "type", "RollingUpdate");
    if (us.type === "RollingUpdate") {
      const ru = ensure(us, "rollingUpdate");
      if (ru) {
        if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
        if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
      }
    }
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null)
    spec.revisionHistoryLimit = 10;
  defaultTemplateOf(spec);
  statusZeros(obj, STATUS_ZEROS);
}

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  const out = validateSelectorAndTemplate("spec", spec, {
    emptySelector: "empty selector is not valid for daemonset.",
    alwaysRestartKind: "DaemonSet",
  });
  out.push(...nonNegative("spec.minReadySeconds", spec.minReadySeconds));
  out.push(...nonNegative("spec.revisionHistoryLimit", spec.revisionHistoryLimit));
  const us = child(spec, "updateStrategy");
  if (us?.type === "RollingUpdate") {
    const ru = child(us, "rollingUpdate");
    if (!ru) out.push(required("spec.updateStrategy.rollingUpdate"));
    else {
      const path = "spec.updateStrategy.rollingUpdate";
      out.push(...intOrPercent(`${path}.maxUnavailable`, ru.maxUnavailable));
      out.push(...intOrPercent(`${path}.maxSurge`, ru.maxSurge));
      if (isZeroIntOrPercent(ru.maxUnavailable) && isZeroIntOrPercent(ru.maxSurge)) {
        out.push(
          invalidShown(
            `${path}.maxUnavailable`,
            goIntOrString(ru.maxUnavailable),
            "may not be 0 when `maxSurge` is 0",
          ),
        );
      }
      out.push(...notMoreThan100Percent(`${path}.maxUnavailable`, ru.maxUnavailable));
    }
  } else if (us?.type !== "OnDelete") {
    out.push(notSupported("spec.updateStrategy.type", us?.type ?? "", ["OnDelete", "RollingUpdate"]));
  }
  return out;
}

export const daemonSetStrategy: Strategy = {
  generation: true,
  defaults,
  prepareForCreate(obj) {
    obj.status = Object.fromEntries(STATUS_ZEROS.map((f) => [f, 0]));
    const meta = obj.metadata ?? {};
    obj.metadata = meta;
    meta.annotations = { ...meta.annotations, [TEMPLATE_GENERATION]: "1" };
  },
  prepareForUpdate(obj, old, ctx) {
    if (ctx.subresource === "status") {
      statusZeros(obj, STATUS_ZEROS);
      return;
    }
    const oldGen = Number.parseInt(old.metadata.annotations?.[TEMPLATE_GENERATION] ?? "1", 10) || 1;
    const changed = !jsonEqual(child(obj, "spec")?.template, child(old, "spec")?.template);
    const meta = obj.metadata ?? {};
    obj.metadata = meta;
    meta.annotations = { ...meta.annotations, [TEMPLATE_GENERATION]: String(changed ? oldGen + 1 : oldGen) };
  },
  validate,
  validateUpdate(obj, old) {
    const out = immutableSelector(obj, old);
    const gen = obj.metadata?.annotations?.[TEMPLATE_GENERATION];
    if (gen !== undefined && !/^\d+$/.test(gen))
      out.push(invalid(`metadata.annotations[${TEMPLATE_GENERATION}]`, gen, "must be an integer"));
    return out;
  },
};
