// Validation of a JobSpec, shared by Jobs and CronJobs' jobTemplate.
// Upstream: pkg/apis/batch/validation/validation.go validateJobSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid, notSupported, required } from "./field-errors.ts";
import type { JsonObject } from "./json.ts";
import { validatePodTemplate } from "./pod-template-validation.ts";
import { checkFields } from "./type-checks.ts";
import { nonNegative } from "./workload-fields.ts";

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
