// Defaulting and validation of a JobSpec, shared by Jobs and CronJobs' jobTemplate.
// Upstream: pkg/apis/batch/v1/defaults.go SetDefaults_Job and
// pkg/apis/batch/validation/validation.go validateJobSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid, notSupported, required } from "../validation/field-errors.ts";
import { child, isObject, type JsonObject, setDefault } from "../validation/json.ts";
import { validatePodTemplate } from "../validation/pod-template-validation.ts";
import { checkFields } from "../validation/type-checks.ts";
import { nonNegative } from "../validation/workload-fields.ts";

/** SetDefaults_Job's spec part (the pod template is defaulted separately). */
export function defaultJobSpec(spec: JsonObject): void {
  const unset = (k: string) => spec[k] === undefined || spec[k] === null;
  if (unset("completions") && unset("parallelism")) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset("parallelism")) spec.parallelism = 1;
  if (unset("backoffLimit")) spec.backoffLimit = unset("backoffLimitPerIndex") ? 6 : 2147483647;
  setDefault(spec, "completionMode", "NonIndexed");
  if (unset("suspend")) spec.suspend = false;
  const pfp = child(spec, "podFailurePolicy");
  if (pfp && Array.isArray(pfp.rules)) {
    for (const rule of pfp.rules) {
      if (!isObject(rule) || !Array.isArray(rule.onPodConditions)) continue;
      for (const c of rule.onPodConditions) if (isObject(c)) setDefault(c, "status", "True");
    }
  }
  if (unset("podReplacementPolicy")) spec.podReplacementPolicy = pfp ? "Failed" : "TerminatingOrFailed";
  if (unset("manualSelector")) spec.manualSelector = false;
}

export function validateJobSpec(path: string, spec: JsonObject): StatusCause[] {
  const typed = checkFields(path, spec, {
    parallelism: "integer",
    completions: "integer",
    activeDeadlineSeconds: "integer",
    backoffLimit: "integer",
    backoffLimitPerIndex: "integer",
    maxFailedIndexes: "integer",
    ttlSecondsAfterFinished: "integer",
    completionMode: "string",
    suspend: "boolean",
    manualSelector: "boolean",
    podReplacementPolicy: "string",
  });
  if (typed.length) return typed;
  const out: StatusCause[] = [];
  out.push(...nonNegative(`${path}.parallelism`, spec.parallelism));
  out.push(...nonNegative(`${path}.completions`, spec.completions));
  if (typeof spec.activeDeadlineSeconds === "number" && spec.activeDeadlineSeconds <= 0) {
    out.push(invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, "must be greater than 0"));
  }
  out.push(...nonNegative(`${path}.backoffLimit`, spec.backoffLimit));
  out.push(...nonNegative(`${path}.ttlSecondsAfterFinished`, spec.ttlSecondsAfterFinished));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== "NonIndexed" && mode !== "Indexed") {
    out.push(notSupported(`${path}.completionMode`, mode, ["NonIndexed", "Indexed"]));
  }
  if (mode === "Indexed") {
    if (spec.completions === undefined || spec.completions === null) {
      out.push(required(`${path}.completions`, "when completion mode is Indexed"));
    }
  } else if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null) {
    out.push(
      invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, "requires indexed completion mode"),
    );
  }
  const prp = spec.podReplacementPolicy;
  if (prp !== undefined && prp !== "TerminatingOrFailed" && prp !== "Failed") {
    out.push(notSupported(`${path}.podReplacementPolicy`, prp, ["Failed", "TerminatingOrFailed"]));
  }
  out.push(
    ...validatePodTemplate(`${path}.template`, spec.template ?? {}, {
      restartPolicies: ["OnFailure", "Never"],
    }),
  );
  return out;
}
