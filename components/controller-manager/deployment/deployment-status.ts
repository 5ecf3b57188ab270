// Deployment status (upstream deployment/sync.go calculateStatus, syncDeploymentStatus,
// checkPausedConditions and progress.go syncRolloutStatus): the counts `kubectl rollout status`
// reads, the Available and Progressing conditions, and a requeue to notice a missed deadline.

import type { DeploymentStatus } from "kubernetes-types/apps/v1";
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  REASON,
  removeCondition,
  setCondition,
} from "./deployment-conditions.ts";
import { type DeploymentObject, type ReplicaSetObject, replicasOf } from "./deployment-types.ts";
import { canonicalJSON } from "./pod-template-hash.ts";
import { maxUnavailable, sumReplicas, sumStatus } from "./rollout-math.ts";
import { type SyncContext, updateDeploymentStatus } from "./sync-context.ts";

export function calculateStatus(
  all: (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject | undefined,
  d: DeploymentObject,
  now: Date,
): DeploymentStatus {
  const available = sumStatus(all, "availableReplicas");
  const total = sumReplicas(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation,
    replicas: sumStatus(all, "replicas"),
    updatedReplicas: sumStatus([newRS], "replicas"),
    readyReplicas: sumStatus(all, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    collisionCount: d.status?.collisionCount,
    conditions: d.status?.conditions?.map((c) => ({ ...c })),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    const message = "Deployment has minimum availability.";
    setCondition(status, newCondition("Available", "True", REASON.minimumAvailable, message, now));
  } else {
    const message = "Deployment does not have minimum availability.";
    setCondition(status, newCondition("Available", "False", REASON.minimumUnavailable, message, now));
  }
  return status;
}

function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return canonicalJSON(a ?? {}) === canonicalJSON(b);
}

async function writeStatus(ctx: SyncContext, d: DeploymentObject, status: DeploymentStatus): Promise<void> {
  d.status = status;
  await updateDeploymentStatus(ctx, d);
}

/** Writes the calculated status when it differs (no progress estimate: scaling or paused). */
export async function syncDeploymentStatus(
  ctx: SyncContext,
  all: (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject | undefined,
  d: DeploymentObject,
): Promise<void> {
  const status = calculateStatus(all, newRS, d, ctx.now());
  if (!sameStatus(d.status, status)) await writeStatus(ctx, d, status);
}

/** Writes the status of a rollout with its Progressing condition (complete, progressing or timed out). */
export async function syncRolloutStatus(
  ctx: SyncContext,
  all: (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject | undefined,
  d: DeploymentObject,
): Promise<void> {
  const now = ctx.now();
  const status = calculateStatus(all, newRS, d, now);
  const name = d.metadata?.name;
  if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
  const current = getCondition(d.status, "Progressing");
  const complete =
    status.replicas === status.updatedReplicas &&
    current !== undefined &&
    current.reason === REASON.newRSAvailable;
  const subject = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${name}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      const message = `${subject} has successfully progressed.`;
      setCondition(status, newCondition("Progressing", "True", REASON.newRSAvailable, message, now));
    } else if (deploymentProgressing(d, status)) {
      const condition = newCondition(
        "Progressing",
        "True",
        REASON.rsUpdated,
        `${subject} is progressing.`,
        now,
      );
      // Progress refreshes lastUpdateTime even when the reason is the same (the deadline restarts).
      if (current) {
        if (current.status === "True") condition.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, "Progressing");
      }
      setCondition(status, condition);
    } else if (deploymentTimedOut(d, status, now)) {
      const message = `${subject} has timed out progressing.`;
      setCondition(status, newCondition("Progressing", "False", REASON.timedOut, message, now));
    }
  }
  const failure = replicaFailure(all, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, "ReplicaFailure");
  if (sameStatus(d.status, status)) {
    requeueStuckDeployment(ctx, d, status);
    return;
  }
  await writeStatus(ctx, d, status);
}

function replicaFailure(all: (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject | undefined) {
  for (const rs of [newRS, ...all]) {
    const c = rs?.status?.conditions?.find((x) => x.type === "ReplicaFailure");
    if (c)
      return {
        type: "ReplicaFailure",
        status: c.status,
        lastUpdateTime: c.lastTransitionTime,
        lastTransitionTime: c.lastTransitionTime,
        reason: c.reason,
        message: c.message,
      };
  }
  return undefined;
}

/** Looks at a rollout again when its progress deadline would pass (upstream requeueStuckDeployment). */
function requeueStuckDeployment(ctx: SyncContext, d: DeploymentObject, status: DeploymentStatus): void {
  const current = getCondition(d.status, "Progressing");
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, status) || current.reason === REASON.timedOut) return;
  const deadline = Date.parse(current.lastUpdateTime ?? "") + (d.spec?.progressDeadlineSeconds ?? 0) * 1000;
  const after = deadline - ctx.now().getTime();
  if (after < 1000) ctx.enqueueRateLimited(d);
  else ctx.enqueueAfter(d, after + 1000);
}

/** The Progressing condition says DeploymentPaused / DeploymentResumed as spec.paused flips. */
export async function checkPausedConditions(ctx: SyncContext, d: DeploymentObject): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const current = getCondition(d.status, "Progressing");
  if (current?.reason === REASON.timedOut) return;
  const pausedShown = current?.reason === REASON.paused;
  d.status ??= {};
  if (d.spec?.paused && !pausedShown) {
    setCondition(
      d.status,
      newCondition("Progressing", "Unknown", REASON.paused, "Deployment is paused", ctx.now()),
    );
  } else if (!d.spec?.paused && pausedShown) {
    const condition = newCondition(
      "Progressing",
      "Unknown",
      REASON.resumed,
      "Deployment is resumed",
      ctx.now(),
    );
    setCondition(d.status, condition);
  } else return;
  await updateDeploymentStatus(ctx, d);
}
