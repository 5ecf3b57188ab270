// The Recreate strategy (upstream pkg/controller/deployment/recreate.go): scale every old
// ReplicaSet to zero, wait until none of their pods runs, then create and scale up the new one.

import type { Pod } from "kubernetes-types/core/v1";
import { deploymentComplete } from "./deployment-conditions.ts";
import { syncRolloutStatus } from "./deployment-status.ts";
import { type DeploymentObject, type ReplicaSetObject, replicasOf } from "./deployment-types.ts";
import { getAllReplicaSetsAndSyncRevision } from "./new-replica-set.ts";
import { active } from "./replica-set-lists.ts";
import { sumStatus } from "./rollout-math.ts";
import { cleanupDeployment, scaleReplicaSetAndRecordEvent } from "./scaling.ts";
import type { SyncContext } from "./sync-context.ts";

/** Pods of the Deployment by the uid of the ReplicaSet controlling them. */
export type PodMap = Map<string, Pod[]>;

function oldPodsRunning(
  newRS: ReplicaSetObject | undefined,
  oldRSs: ReplicaSetObject[],
  pods: PodMap,
): boolean {
  if (sumStatus(oldRSs, "replicas") > 0) return true;
  for (const [uid, list] of pods) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (list.some((p) => p.status?.phase !== "Failed" && p.status?.phase !== "Succeeded")) return true;
  }
  return false;
}

export async function rolloutRecreate(
  ctx: SyncContext,
  d: DeploymentObject,
  sets: ReplicaSetObject[],
  pods: PodMap,
): Promise<void> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, false);
  let all = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of active(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(newRS, oldRSs, pods)) return syncRolloutStatus(ctx, all, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, true));
    all = [...oldRSs, newRS];
  }
  if (newRS) await scaleReplicaSetAndRecordEvent(ctx, newRS, replicasOf(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, all, newRS, d);
}
