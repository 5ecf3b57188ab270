// The Job strategy: SetDefaults_Job, the generated selector and controller-uid/job-name labels
// (metadata.uid is set before prepareForCreate), labels defaulting to the template's, an
// empty status, validation, immutable selector/template/completions; field selector
// status.successful. Upstream: pkg/registry/batch/job/strategy.go (generateSelector),
// pkg/apis/batch/validation/validation.go ValidateJob, ValidateJobUpdate.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { fromLabelSelector, type LabelSelector, matches } from "../../../lib/labels/selector.ts";
import { defaultJobSpec } from "../defaults/job-spec-defaults.ts";
import { defaultTemplateOf } from "../defaults/pod-template-defaults.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, required } from "../validation/field-errors.ts";
import { invalidShown } from "../validation/field-errors-extra.ts";
import { goLabelSelector } from "../validation/go-format.ts";
import { immutableField, immutableSelector } from "../validation/immutable.ts";
import { validateJobSpec } from "../validation/job-spec-validation.ts";
import { child, ensure, isObject, type JsonObject, stringMap } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";
import { validateSelectorAndTemplate } from "../validation/workload-selector.ts";

const CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
const LEGACY_CONTROLLER_UID = "controller-uid";
const JOB_NAME = "batch.kubernetes.io/job-name";
const LEGACY_JOB_NAME = "job-name";

/** Template labels default into the job's labels when it has none (SetDefaults_Job). */
function labelsFromTemplate(obj: KObject, spec: JsonObject): void {
  const labels = child(child(spec, "template"), "metadata")?.labels;
  if (!isObject(labels)) return;
  const meta = obj.metadata ?? {};
  obj.metadata = meta;
  if (!meta.labels || Object.keys(meta.labels).length === 0) meta.labels = stringMap(labels);
}

function generateSelector(obj: KObject, spec: JsonObject): void {
  const name = obj.metadata?.name ?? "";
  const uid = obj.metadata?.uid ?? "";
  const template = ensure(spec, "template");
  const meta = template && ensure(template, "metadata");
  const labels = meta && ensure(meta, "labels");
  if (labels) {
    for (const k of [LEGACY_JOB_NAME, JOB_NAME]) if (!(k in labels)) labels[k] = name;
    for (const k of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) if (!(k in labels)) labels[k] = uid;
  }
  const selector = ensure(spec, "selector");
  const matchLabels = selector && ensure(selector, "matchLabels");
  if (matchLabels && !(CONTROLLER_UID in matchLabels)) matchLabels[CONTROLLER_UID] = uid;
}

function hasLabel(labels: Record<string, string>, key: string, want: string): StatusCause[] {
  const field = `spec.template.metadata.labels[${key}]`;
  if (!(key in labels)) return [required(field)];
  return labels[key] === want ? [] : [invalid(field, labels[key], `must be '${want}'`)];
}

function validate(obj: KObject): StatusCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  const out: StatusCause[] = [];
  const manual = spec.manualSelector === true;
  if (!manual) {
    const uid = obj.metadata?.uid ?? "";
    if (uid === "") out.push(required("metadata.uid"));
    const labels = stringMap(child(child(spec, "template"), "metadata")?.labels);
    out.push(...hasLabel(labels, LEGACY_CONTROLLER_UID, uid), ...hasLabel(labels, CONTROLLER_UID, uid));
    out.push(
      ...hasLabel(labels, LEGACY_JOB_NAME, obj.metadata?.name ?? ""),
      ...hasLabel(labels, JOB_NAME, obj.metadata?.name ?? ""),
    );
    try {
      const sel = fromLabelSelector(spec.selector as LabelSelector);
      if (sel && !matches(sel, { [CONTROLLER_UID]: uid })) {
        out.push(
          invalidShown("spec.selector", goLabelSelector(spec.selector), "`selector` not auto-generated"),
        );
      }
    } catch {
      // reported by the selector validation below
    }
  }
  out.push(
    ...validateSelectorAndTemplate("spec", spec, {
      emptySelector: "empty selector is invalid for job",
      skipTemplate: true,
    }),
  );
  out.push(...validateJobSpec("spec", spec));
  return out;
}

export const jobStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    const spec = ensure(obj, "spec");
    if (!spec) return;
    defaultJobSpec(spec);
    defaultTemplateOf(spec);
    labelsFromTemplate(obj, spec);
  },
  prepareForCreate(obj) {
    const spec = child(obj, "spec");
    if (spec && spec.manualSelector !== true) generateSelector(obj, spec);
    if (spec) labelsFromTemplate(obj, spec);
    obj.status = {};
  },
  validate,
  validateUpdate(obj, old: Stored) {
    const spec = child(obj, "spec") ?? {};
    const oldSpec = child(old, "spec") ?? {};
    const out = immutableSelector(obj, old);
    // A suspended job that never started may change its template (upstream allows scheduling directives).
    if (oldSpec.suspend !== true)
      out.push(...immutableField("spec.template", spec.template, oldSpec.template));
    out.push(...immutableField("spec.completionMode", spec.completionMode, oldSpec.completionMode));
    if (spec.completionMode !== "Indexed")
      out.push(...immutableField("spec.completions", spec.completions, oldSpec.completions));
    out.push(...immutableField("spec.podFailurePolicy", spec.podFailurePolicy, oldSpec.podFailurePolicy));
    out.push(
      ...immutableField("spec.backoffLimitPerIndex", spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex),
    );
    return out;
  },
  fields(obj) {
    const succeeded = child(obj, "status")?.succeeded;
    return { "status.successful": String(typeof succeeded === "number" ? succeeded : 0) };
  },
};
