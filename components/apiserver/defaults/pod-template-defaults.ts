// PodTemplateSpec defaulting shared by pods' workloads (Deployment, ReplicaSet,
// ReplicationController, StatefulSet, DaemonSet, Job, CronJob, PodTemplate).
// Upstream: pkg/apis/core/v1/defaults.go (pod template defaults).
import { ensure, isObject, type JsonObject } from "../validation/json.ts";
import { defaultPodSpec } from "./pod-spec-defaults.ts";

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
