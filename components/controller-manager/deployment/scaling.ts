// Scaling a Deployment's ReplicaSets (upstream deployment/sync.go scale, scaleReplicaSet,
// isScalingEvent and cleanupDeployment): one active ReplicaSet takes the whole count, a
// mid-rollout resize is shared out in proportion, and ReplicaSets past revisionHistoryLimit go.

import { isStatus } from "../../../lib/client/api-client.ts";
import { type DeploymentObject, type ReplicaSetObject, replicasOf } from "./deployment-types.ts";
import { getAllReplicaSetsAndSyncRevision } from "./new-replica-set.ts";
import { active, byRevision, bySize, findActiveOrLatest, isSaturated } from "./replica-set-lists.ts";
import {
  desiredReplicasAnnotation,
  replicasAnnotationsNeedUpdate,
  setReplicasAnnotations,
} from "./revisions.ts";
import { isRollingUpdate, maxSurge, proportion, sumReplicas } from "./rollout-math.ts";
import { asDeployment, replicaSets, type SyncContext, updateReplicaSet } from "./sync-context.ts";

export interface Scaled {
  scaled: boolean;
  rs: ReplicaSetObject;
}

/** Sets the ReplicaSet's replicas and replica annotations; a size change is a ScalingReplicaSet event. */
export async function scaleReplicaSet(
  ctx: SyncContext,
  rs: ReplicaSetObject,
  size: number,
  d: DeploymentObject,
  operation: "up" | "down",
): Promise<Scaled> {
  const oldSize = replicasOf(rs);
  const sizeChanged = oldSize !== size;
  const desired = replicasOf(d);
  const max = desired + maxSurge(d);
  if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = structuredClone(rs);
  copy.spec = { ...(copy.spec ?? { selector: {} }), replicas: size };
  setReplicasAnnotations(copy, desired, max);
  const stored = await updateReplicaSet(ctx, copy);
  if (sizeChanged) {
    const message = `Scaled ${operation} replica set ${rs.metadata?.name} from ${oldSize} to ${size}`;
    ctx.recorder.event(asDeployment(d), "Normal", "ScalingReplicaSet", message);
  }
  return { scaled: sizeChanged, rs: stored };
}

export async function scaleReplicaSetAndRecordEvent(
  ctx: SyncContext,
  rs: ReplicaSetObject,
  size: number,
  d: DeploymentObject,
): Promise<Scaled> {
  if (replicasOf(rs) === size) return { scaled: false, rs };
  return scaleReplicaSet(ctx, rs, size, d, replicasOf(rs) < size ? "up" : "down");
}

/** Resizes the ReplicaSets after spec.replicas changed (or while paused). */
export async function scale(
  ctx: SyncContext,
  d: DeploymentObject,
  newRS: ReplicaSetObject | undefined,
  oldRSs: ReplicaSetObject[],
): Promise<void> {
  const replicas = replicasOf(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (replicasOf(only) !== replicas) await scaleReplicaSetAndRecordEvent(ctx, only, replicas, d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of active(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = active([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - sumReplicas(all);
  const operation = toAdd > 0 ? "up" : "down";
  if (toAdd !== 0) all.sort(bySize(toAdd > 0));
  let added = 0;
  const sizes = new Map<ReplicaSetObject, number>();
  for (const rs of all) {
    const share = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
    sizes.set(rs, replicasOf(rs) + share);
    added += share;
  }
  for (const [i, rs] of all.entries()) {
    let size = sizes.get(rs) ?? replicasOf(rs);
    // The largest ReplicaSet takes what rounding left over.
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await scaleReplicaSet(ctx, rs, size, d, operation);
  }
}

/** An active ReplicaSet was sized for a different spec.replicas: this sync is a resize, not a rollout. */
export async function isScalingEvent(
  ctx: SyncContext,
  d: DeploymentObject,
  sets: ReplicaSetObject[],
): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, false);
  return active([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== replicasOf(d);
  });
}

/** Deletes the oldest empty ReplicaSets beyond spec.revisionHistoryLimit. */
export async function cleanupDeployment(
  ctx: SyncContext,
  oldRSs: ReplicaSetObject[],
  d: DeploymentObject,
): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - limit;
  for (const rs of cleanable.slice(0, Math.max(0, diff))) {
    const busy =
      (rs.status?.replicas ?? 0) !== 0 ||
      replicasOf(rs) !== 0 ||
      (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0);
    if (busy) continue;
    try {
      await replicaSets(ctx, rs.metadata?.namespace ?? "default").delete(rs.metadata?.name ?? "");
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }
}
