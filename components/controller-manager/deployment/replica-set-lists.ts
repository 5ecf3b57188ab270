// Finding and ordering a Deployment's ReplicaSets (upstream deployment/util FindNewReplicaSet,
// FindOldReplicaSets, FindActiveOrLatest, IsSaturated and controller's ReplicaSetsBy* sorts).

import type { DeploymentObject, ReplicaSetObject } from "./deployment-types.ts";
import { replicasOf } from "./deployment-types.ts";
import { equalIgnoreHash } from "./pod-template-hash.ts";
import { desiredReplicasAnnotation, revisionOf } from "./revisions.ts";

const created = (rs: ReplicaSetObject) => Date.parse(rs.metadata?.creationTimestamp ?? "") || 0;

/** Oldest first; the name breaks ties. */
export function byCreation(a: ReplicaSetObject, b: ReplicaSetObject): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1;
}

/** Lowest revision first (cleanup order). */
export function byRevision(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** Largest first; among equals the newer (`newer`) or the older first. */
export function bySize(newer: boolean) {
  return (a: ReplicaSetObject, b: ReplicaSetObject): number =>
    replicasOf(b) - replicasOf(a) || (newer ? byCreation(b, a) : byCreation(a, b));
}

export function active(sets: (ReplicaSetObject | undefined)[]): ReplicaSetObject[] {
  return sets.filter((rs): rs is ReplicaSetObject => rs !== undefined && replicasOf(rs) > 0);
}

/** The oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(
  d: DeploymentObject,
  sets: ReplicaSetObject[],
): ReplicaSetObject | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every other ReplicaSet of the Deployment. */
export function findOldReplicaSets(d: DeploymentObject, sets: ReplicaSetObject[]): ReplicaSetObject[] {
  const newRS = findNewReplicaSet(d, sets);
  return sets.filter((rs) => rs.metadata?.uid !== newRS?.metadata?.uid);
}

/** The only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(
  newRS: ReplicaSetObject | undefined,
  old: ReplicaSetObject[],
): ReplicaSetObject | undefined {
  if (!newRS && old.length === 0) return undefined;
  const newestFirst = [...old].sort((a, b) => byCreation(b, a));
  const all = active([...newestFirst, newRS]);
  if (all.length === 0) return newRS ?? newestFirst[0];
  return all.length === 1 ? all[0] : undefined;
}

/** The new ReplicaSet has all the Deployment's replicas, all available. */
export function isSaturated(d: DeploymentObject, rs: ReplicaSetObject | undefined): boolean {
  if (!rs) return false;
  const replicas = replicasOf(d);
  return (
    replicasOf(rs) === replicas &&
    desiredReplicasAnnotation(rs) === replicas &&
    (rs.status?.availableReplicas ?? 0) === replicas
  );
}
