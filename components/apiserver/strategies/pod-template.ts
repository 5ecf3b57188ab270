// PodTemplateSpec defaulting and validation shared by pods' workloads (Deployment,
// ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job, CronJob, PodTemplate).
// Upstream: pkg/apis/core/v1/defaults.go (pod template defaults),
// pkg/apis/core/validation/validation.go ValidatePodTemplateSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { defaultPodSpec } from "../defaults/pod-spec-defaults.ts";
import { required } from "../validation/field-errors.ts";
import { child, ensure, isObject, type JsonObject } from "../validation/json.ts";
import { type PodSpecOptions, validatePodSpec } from "../validation/pod-spec-validation.ts";
import { labelMap, qualifiedName } from "../validation/qualified-name.ts";
import { checkType } from "../validation/type-checks.ts";

/** Template metadata as v1.32 serializes it (a zero creationTimestamp prints as null). */
export function defaultTemplateMeta(template: JsonObject): void {
  const meta = ensure(template, "metadata");
  if (meta && !("creationTimestamp" in meta)) meta.creationTimestamp = null;
}

/** Defaults a PodTemplateSpec in place; tolerates any shape. */
export function defaultPodTemplate(template: unknown): void {
  if (!isObject(template)) return;
  defaultTemplateMeta(template);
  const spec = ensure(template, "spec");
  if (spec) defaultPodSpec(spec);
}

/** The template at `parent.template`, defaulted (created when absent, as Go's value types are). */
export function defaultTemplateOf(parent: JsonObject | undefined): void {
  if (!parent) return;
  const template = ensure(parent, "template");
  if (template) defaultPodTemplate(template);
}

export function validatePodTemplate(
  path: string,
  template: unknown,
  opts: PodSpecOptions = {},
): StatusCause[] {
  if (template === undefined || template === null) return [required(path)];
  if (!isObject(template)) return checkType(path, template, "object");
  const out: StatusCause[] = [];
  const meta = template.metadata;
  if (meta !== undefined && meta !== null && !isObject(meta))
    out.push(...checkType(`${path}.metadata`, meta, "object"));
  out.push(...labelMap(`${path}.metadata.labels`, child(template, "metadata")?.labels));
  const annotations = child(template, "metadata")?.annotations;
  if (isObject(annotations)) {
    for (const [k, v] of Object.entries(annotations)) {
      out.push(...qualifiedName(`${path}.metadata.annotations`, k.toLowerCase()));
      out.push(...checkType(`${path}.metadata.annotations[${k}]`, v, "string"));
    }
  } else out.push(...checkType(`${path}.metadata.annotations`, annotations, "map of strings"));
  out.push(...validatePodSpec(`${path}.spec`, template.spec ?? {}, opts));
  return out;
}
