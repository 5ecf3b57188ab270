// The RollingUpdate strategy (upstream pkg/controller/deployment/rolling.go): scale the new
// ReplicaSet up within maxSurge, then the old ones down within maxUnavailable (unhealthy
// replicas first), each step one sync; cleanup once nothing moved.

import { syncRolloutStatus } from "./deployment-status.ts";
import { type DeploymentObject, type ReplicaSetObject, replicasOf } from "./deployment-types.ts";
import { getAllReplicaSetsAndSyncRevision } from "./new-replica-set.ts";
import { active, byCreation } from "./replica-set-lists.ts";
import { maxUnavailable, newRSNewReplicas, sumReplicas, sumStatus } from "./rollout-math.ts";
import { cleanupDeployment, scaleReplicaSetAndRecordEvent } from "./scaling.ts";
import type { SyncContext } from "./sync-context.ts";

export async function rolloutRolling(
  ctx: SyncContext,
  d: DeploymentObject,
  sets: ReplicaSetObject[],
): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, true);
  const all = [...oldRSs, newRS];
  if (newRS && (await reconcileNewReplicaSet(ctx, all, newRS, d)))
    return syncRolloutStatus(ctx, all, newRS, d);
  if (newRS && (await reconcileOldReplicaSets(ctx, all, active(oldRSs), newRS, d)))
    return syncRolloutStatus(ctx, all, newRS, d);
  await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, all, newRS, d);
}

async function reconcileNewReplicaSet(
  ctx: SyncContext,
  all: (ReplicaSetObject | undefined)[],
  newRS: ReplicaSetObject,
  d: DeploymentObject,
): Promise<boolean> {
  const replicas = replicasOf(d);
  if (replicasOf(newRS) === replicas) return false;
  if (replicasOf(newRS) > replicas)
    return (await scaleReplicaSetAndRecordEvent(ctx, newRS, replicas, d)).scaled;
  const size = newRSNewReplicas(d, all.filter((rs) => rs !== undefined) as ReplicaSetObject[], newRS);
  return (await scaleReplicaSetAndRecordEvent(ctx, newRS, size, d)).scaled;
}

async function reconcileOldReplicaSets(
  ctx: SyncContext,
  all: (ReplicaSetObject | undefined)[],
  oldRSs: ReplicaSetObject[],
  newRS: ReplicaSetObject,
  d: DeploymentObject,
): Promise<boolean> {
  if (sumReplicas(oldRSs) === 0) return false;
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  // Unavailable new pods must not let old ones go: that would only add unavailability.
  const maxScaledDown = sumReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  try {
    const cleaned = await cleanupUnhealthyReplicas(ctx, oldRSs, d, maxScaledDown);
    const scaledDown = await scaleDownOldReplicaSets(ctx, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
    return cleaned.count + scaledDown > 0;
  } catch (error) {
    // Upstream swallows these errors here and relies on the next sync.
    ctx.log(`scaling down old replica sets of ${d.metadata?.name}: ${(error as Error).message}`);
    return false;
  }
}

/** Scales old ReplicaSets down by their unavailable replicas, oldest first, up to `max`. */
async function cleanupUnhealthyReplicas(
  ctx: SyncContext,
  oldRSs: ReplicaSetObject[],
  d: DeploymentObject,
  max: number,
): Promise<{ oldRSs: ReplicaSetObject[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= max) break;
    const replicas = replicasOf(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(max - total, replicas - available);
    const { rs: updated } = await scaleReplicaSetAndRecordEvent(ctx, rs, replicas - count, d);
    total += count;
    sorted[i] = updated;
  }
  return { oldRSs: sorted, count: total };
}

/** Scales old ReplicaSets down, oldest first, while more than minAvailable pods are available. */
async function scaleDownOldReplicaSets(
  ctx: SyncContext,
  all: ReplicaSetObject[],
  oldRSs: ReplicaSetObject[],
  d: DeploymentObject,
): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = sumStatus(all, "availableReplicas");
  if (available <= minAvailable) return 0;
  const target = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= target) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), target - total);
    await scaleReplicaSetAndRecordEvent(ctx, rs, replicasOf(rs) - count, d);
    total += count;
  }
  return total;
}
