// PodTemplateSpec validation shared by pods' workloads (Deployment, ReplicaSet,
// ReplicationController, StatefulSet, DaemonSet, Job, CronJob, PodTemplate).
// Upstream: pkg/apis/core/validation/validation.go ValidatePodTemplateSpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { required } from "./field-errors.ts";
import { child, isObject } from "./json.ts";
import { type PodSpecOptions, validatePodSpec } from "./pod-spec-validation.ts";
import { labelMap, qualifiedName } from "./qualified-name.ts";
import { checkType } from "./type-checks.ts";

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
