// Job conditions (upstream pkg/controller/job/job_controller.go newCondition, ensureJobConditionStatus,
// IsJobFinished): Complete and Failed end a job; a condition changes its lastTransitionTime only
// when its status changes.

import type { Job, JobCondition } from "kubernetes-types/batch/v1";

const seconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/** The true Complete or Failed condition of a finished job. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
}

/** Sets `want` in `conditions` (mutated); returns true when the status changed or it is new. */
export function setCondition(
  conditions: JobCondition[],
  want: Pick<JobCondition, "type" | "status" | "reason" | "message">,
  now: Date,
): boolean {
  const existing = conditions.find((c) => c.type === want.type);
  if (existing && existing.status === want.status) {
    existing.reason = want.reason;
    existing.message = want.message;
    return false;
  }
  if (!existing && want.status === "False") return false;
  const condition: JobCondition = {
    ...want,
    lastProbeTime: seconds(now),
    lastTransitionTime: seconds(now),
  };
  if (existing) Object.assign(existing, condition);
  else conditions.push(condition);
  return true;
}
