// Defaulting of a JobSpec, shared by Jobs and CronJobs' jobTemplate.
// Upstream: pkg/apis/batch/v1/defaults.go SetDefaults_Job.
import { child, isObject, type JsonObject, setDefault } from "../validation/json.ts";

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
