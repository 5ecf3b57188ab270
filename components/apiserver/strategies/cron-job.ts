// The CronJob strategy: SetDefaults_CronJob (concurrencyPolicy Allow, suspend false, history
// limits 3 and 1), jobTemplate pod defaults, an empty status on create, validation of the
// schedule, policies and job template. Upstream: pkg/apis/batch/v1/defaults.go,
// pkg/registry/batch/cronjob/strategy.go, pkg/apis/batch/validation/validation.go ValidateCronJob.
import { cronScheduleError } from "../../../lib/cron/cron-schedule.ts";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { defaultTemplateMeta, defaultTemplateOf } from "../defaults/pod-template-defaults.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported, required } from "../validation/field-errors.ts";
import { invalidShown } from "../validation/field-errors-extra.ts";
import { goLabelSelector } from "../validation/go-format.ts";
import { validateJobSpec } from "../validation/job-spec-validation.ts";
import { child, ensure, isObject, setDefault } from "../validation/json.ts";
import { labelMap } from "../validation/qualified-name.ts";
import { checkType } from "../validation/type-checks.ts";
import { nonNegative } from "../validation/workload-fields.ts";

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  const out: StatusCause[] = [];
  const name = obj.metadata?.name ?? "";
  if (name.length > 52) out.push(invalid("metadata.name", name, "must be no more than 52 characters"));
  const schedule = spec.schedule;
  if (schedule === undefined || schedule === null || schedule === "") out.push(required("spec.schedule"));
  else if (typeof schedule !== "string") out.push(...checkType("spec.schedule", schedule, "string"));
  else {
    const err = cronScheduleError(schedule);
    if (err) out.push(invalid("spec.schedule", schedule, err));
    if (schedule.includes("TZ")) {
      out.push(
        invalid(
          "spec.schedule",
          schedule,
          "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        ),
      );
    }
  }
  const policy = spec.concurrencyPolicy;
  if (policy === undefined || policy === "") out.push(required("spec.concurrencyPolicy"));
  else if (!["Allow", "Forbid", "Replace"].includes(policy as string)) {
    out.push(notSupported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]));
  }
  out.push(...checkType("spec.timeZone", spec.timeZone, "string"));
  out.push(...checkType("spec.suspend", spec.suspend, "boolean"));
  out.push(...nonNegative("spec.startingDeadlineSeconds", spec.startingDeadlineSeconds));
  out.push(...nonNegative("spec.successfulJobsHistoryLimit", spec.successfulJobsHistoryLimit));
  out.push(...nonNegative("spec.failedJobsHistoryLimit", spec.failedJobsHistoryLimit));
  const jt = spec.jobTemplate;
  if (!isObject(jt))
    return [
      ...out,
      ...(jt === undefined ? [required("spec.jobTemplate")] : checkType("spec.jobTemplate", jt, "object")),
    ];
  out.push(...labelMap("spec.jobTemplate.metadata.labels", child(jt, "metadata")?.labels));
  const jobSpec = child(jt, "spec");
  if (!jobSpec) return [...out, ...checkType("spec.jobTemplate.spec", jt.spec ?? {}, "object")];
  if (jobSpec.manualSelector !== true && jobSpec.selector !== undefined && jobSpec.selector !== null) {
    out.push(
      invalidShown(
        "spec.jobTemplate.spec.selector",
        goLabelSelector(jobSpec.selector),
        "`selector` will be auto-generated",
      ),
    );
  } else if (
    jobSpec.manualSelector === true &&
    (jobSpec.selector === undefined || jobSpec.selector === null)
  ) {
    out.push(required("spec.jobTemplate.spec.selector"));
  }
  out.push(...validateJobSpec("spec.jobTemplate.spec", jobSpec));
  return out;
}

export const cronJobStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    const spec = ensure(obj, "spec");
    if (!spec) return;
    setDefault(spec, "concurrencyPolicy", "Allow");
    if (spec.suspend === undefined || spec.suspend === null) spec.suspend = false;
    if (spec.successfulJobsHistoryLimit === undefined || spec.successfulJobsHistoryLimit === null) {
      spec.successfulJobsHistoryLimit = 3;
    }
    if (spec.failedJobsHistoryLimit === undefined || spec.failedJobsHistoryLimit === null)
      spec.failedJobsHistoryLimit = 1;
    const jt = ensure(spec, "jobTemplate");
    if (!jt) return;
    defaultTemplateMeta(jt);
    defaultTemplateOf(ensure(jt, "spec"));
  },
  prepareForCreate(obj) {
    obj.status = {};
  },
  validate,
};
