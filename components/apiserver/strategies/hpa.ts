// The HorizontalPodAutoscaler strategy (stored as autoscaling/v2): minReplicas 1, metrics
// defaulting to 80% CPU, scaling behavior defaults, an empty status (Go prints
// desiredReplicas 0), validation of the target and replica bounds. Upstream:
// pkg/apis/autoscaling/v2/defaults.go, pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go,
// pkg/apis/autoscaling/validation/validation.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported, required } from "../validation/field-errors.ts";
import { child, ensure, isObject, type JsonObject, list, objects, setDefault } from "../validation/json.ts";
import { checkFields, checkType } from "../validation/type-checks.ts";

const SCALE_UP = {
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
};
const SCALE_DOWN = { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };

function defaultRules(behavior: JsonObject, key: "scaleUp" | "scaleDown"): void {
  const rules = child(behavior, key);
  const base = key === "scaleUp" ? SCALE_UP : SCALE_DOWN;
  if (!rules) {
    if (behavior[key] === undefined || behavior[key] === null) behavior[key] = structuredClone(base);
    return;
  }
  setDefault(rules, "selectPolicy", "Max");
  if (
    key === "scaleUp" &&
    (rules.stabilizationWindowSeconds === undefined || rules.stabilizationWindowSeconds === null)
  ) {
    rules.stabilizationWindowSeconds = 0;
  }
  if (!Array.isArray(rules.policies) || rules.policies.length === 0)
    rules.policies = structuredClone(base.policies);
}

function defaults(obj: KObject): void {
  const spec = ensure(obj, "spec");
  if (!spec) return;
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  // autoscaling/v1's targetCPUUtilizationPercentage in a v2 object.
  if (list(spec, "metrics").length === 0 && (spec.metrics === undefined || spec.metrics === null)) {
    const pct =
      typeof spec.targetCPUUtilizationPercentage === "number" ? spec.targetCPUUtilizationPercentage : 80;
    if (spec.targetCPUUtilizationPercentage === undefined) {
      spec.metrics = [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: pct } },
        },
      ];
    }
  }
  const behavior = child(spec, "behavior");
  if (behavior) {
    defaultRules(behavior, "scaleUp");
    defaultRules(behavior, "scaleDown");
  }
  const status = ensure(obj, "status");
  if (status && (status.desiredReplicas === undefined || status.desiredReplicas === null))
    status.desiredReplicas = 0;
}

const METRIC_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const TARGET_TYPES = ["AverageValue", "Utilization", "Value"];
const SOURCE_KEY: Record<string, string> = {
  ContainerResource: "containerResource",
  External: "external",
  Object: "object",
  Pods: "pods",
  Resource: "resource",
};

/** validateMetricSpec: a known type with its matching source and a target. */
function validateMetric(path: string, m: JsonObject): StatusCause[] {
  const type = m.type;
  if (type === undefined || type === "")
    return [required(`${path}.type`, "must specify a metric source type")];
  if (!METRIC_TYPES.includes(type as string)) return [notSupported(`${path}.type`, type, METRIC_TYPES)];
  const key = SOURCE_KEY[type as string] ?? "";
  const source = child(m, key);
  if (!source) return [required(`${path}.${key}`, `must populate information for the given metric source`)];
  const out: StatusCause[] = [];
  if ((type === "Resource" || type === "ContainerResource") && !source.name)
    out.push(required(`${path}.${key}.name`));
  const target = child(source, "target");
  if (!target) out.push(required(`${path}.${key}.target`, "must specify a metric target"));
  else if (!TARGET_TYPES.includes(target.type as string)) {
    out.push(notSupported(`${path}.${key}.target.type`, target.type ?? "", TARGET_TYPES));
  }
  return out;
}

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  const typed = checkFields("spec", spec, {
    minReplicas: "integer",
    maxReplicas: "integer",
    scaleTargetRef: "object",
    metrics: "array",
  });
  if (typed.length) return typed;
  const out: StatusCause[] = [];
  const ref = child(spec, "scaleTargetRef");
  if (!ref?.kind) out.push(required("spec.scaleTargetRef.kind"));
  if (!ref?.name) out.push(required("spec.scaleTargetRef.name"));
  const min = spec.minReplicas;
  if (typeof min === "number" && min < 1)
    out.push(invalid("spec.minReplicas", min, "must be greater than or equal to 1"));
  const max = spec.maxReplicas;
  if (typeof max !== "number") out.push(required("spec.maxReplicas"));
  else if (max < 1) out.push(invalid("spec.maxReplicas", max, "must be greater than 0"));
  else if (typeof min === "number" && max < min)
    out.push(invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  for (const [m, i] of objects(spec, "metrics")) out.push(...validateMetric(`spec.metrics[${i}]`, m));
  return out;
}

export const hpaStrategy: Strategy = {
  defaults,
  prepareForCreate(obj) {
    obj.status = { desiredReplicas: 0 };
  },
  validate,
};
