// The new ReplicaSet of a Deployment (upstream deployment/sync.go getAllReplicaSetsAndSyncRevision
// and getNewReplicaSet): found by template, or created as `<deployment>-<pod-template-hash>` with
// the next revision; a hash collision with a foreign ReplicaSet bumps status.collisionCount.

import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { controllerOf, newControllerRef } from "../common/controller-ref.ts";
import {
  getCondition,
  hasProgressDeadline,
  newCondition,
  REASON,
  setCondition,
} from "./deployment-conditions.ts";
import type { DeploymentObject, ReplicaSetObject } from "./deployment-types.ts";
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH } from "./pod-template-hash.ts";
import { findNewReplicaSet, findOldReplicaSets } from "./replica-set-lists.ts";
import { maxRevision, REVISION, setDeploymentRevision, setNewReplicaSetAnnotations } from "./revisions.ts";
import { maxSurge, newRSNewReplicas } from "./rollout-math.ts";
import {
  asDeployment,
  replicaSets,
  type SyncContext,
  updateDeploymentStatus,
  updateReplicaSet,
} from "./sync-context.ts";

export interface ReplicaSets {
  newRS: ReplicaSetObject | undefined;
  oldRSs: ReplicaSetObject[];
}

/** The new ReplicaSet (created when `create` and missing) and the old ones, with revisions synced. */
export async function getAllReplicaSetsAndSyncRevision(
  ctx: SyncContext,
  d: DeploymentObject,
  sets: ReplicaSetObject[],
  create: boolean,
): Promise<ReplicaSets> {
  const oldRSs = findOldReplicaSets(d, sets);
  const newRS = await getNewReplicaSet(ctx, d, sets, oldRSs, create);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(
  ctx: SyncContext,
  d: DeploymentObject,
  sets: ReplicaSetObject[],
  oldRSs: ReplicaSetObject[],
  create: boolean,
): Promise<ReplicaSetObject | undefined> {
  const existing = findNewReplicaSet(d, sets);
  const revision = maxRevision(oldRSs) + 1;
  d.status ??= {};
  if (existing) {
    const copy = structuredClone(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(d, copy, revision, true, maxSurge(d));
    const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
    if (annotationsChanged || minReadyChanged) {
      copy.spec = {
        ...(copy.spec as NonNullable<ReplicaSet["spec"]>),
        minReadySeconds: d.spec?.minReadySeconds,
      };
      return updateReplicaSet(ctx, copy);
    }
    let needsUpdate = setDeploymentRevision(d, copy.metadata?.annotations?.[REVISION] ?? "");
    if (hasProgressDeadline(d) && !getCondition(d.status, "Progressing")) {
      const message = `Found new replica set "${copy.metadata?.name}"`;
      setCondition(d.status, newCondition("Progressing", "True", REASON.foundNewRS, message, ctx.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await updateDeploymentStatus(ctx, d);
    return copy;
  }
  if (!create) return undefined;

  const namespace = d.metadata?.namespace ?? "default";
  const hash = computeHash(d.spec?.template, d.status.collisionCount);
  const template = structuredClone(d.spec?.template ?? {});
  template.metadata ??= {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const rs: ReplicaSetObject = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata?.name}-${hash}`,
      namespace,
      ownerReferences: [newControllerRef(asDeployment(d))],
      labels: { ...template.metadata.labels },
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template },
  };
  const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  rs.spec = { ...(rs.spec as NonNullable<ReplicaSet["spec"]>), replicas };
  setNewReplicaSetAnnotations(d, rs, revision, false, maxSurge(d));

  let created: ReplicaSetObject;
  let alreadyExisted = false;
  try {
    created = await replicaSets(ctx, namespace).create(rs);
  } catch (error) {
    if (isStatus(error, 409)) {
      const found =
        ctx.cachedReplicaSet(`${namespace}/${rs.metadata?.name}`) ??
        (await replicaSets(ctx, namespace).get(rs.metadata?.name ?? ""));
      const ours =
        controllerOf(found)?.uid === d.metadata?.uid &&
        equalIgnoreHash(d.spec?.template, found.spec?.template);
      if (!ours) {
        // Someone else's ReplicaSet has our name: hash again with a higher collision count.
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        await updateDeploymentStatus(ctx, d).catch(() => undefined);
        throw error;
      }
      created = found;
      alreadyExisted = true;
    } else {
      const message = `Failed to create new replica set "${rs.metadata?.name}": ${(error as Error).message}`;
      if (hasProgressDeadline(d)) {
        setCondition(
          d.status,
          newCondition("Progressing", "False", REASON.failedRSCreate, message, ctx.now()),
        );
        await updateDeploymentStatus(ctx, d).catch(() => undefined);
      }
      ctx.recorder.event(asDeployment(d), "Warning", REASON.failedRSCreate, message);
      throw error;
    }
  }
  if (!alreadyExisted && replicas > 0) {
    const message = `Scaled up replica set ${created.metadata?.name} from 0 to ${replicas}`;
    ctx.recorder.event(asDeployment(d), "Normal", "ScalingReplicaSet", message);
  }
  let needsUpdate = setDeploymentRevision(d, String(revision));
  if (!alreadyExisted && hasProgressDeadline(d)) {
    const message = `Created new replica set "${created.metadata?.name}"`;
    setCondition(d.status, newCondition("Progressing", "True", REASON.newRSCreated, message, ctx.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(ctx, d);
  return created;
}
