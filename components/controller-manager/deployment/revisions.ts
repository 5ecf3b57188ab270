// Revision and replica annotations (upstream deployment/util: SetNewReplicaSetAnnotations,
// SetReplicasAnnotations, MaxRevision): what `kubectl rollout history/undo` reads, copied
// Deployment annotations, and revision-history when a ReplicaSet is reused by a rollback.

import type { DeploymentObject, ReplicaSetObject } from "./deployment-types.ts";

export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
/** Upstream's cap on the revision-history annotation. */
const MAX_HISTORY_CHARS = 2000;

const SKIPPED = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  "deprecated.deployment.rollback.to",
]);

function intAnnotation(object: { metadata?: { annotations?: Record<string, string> } }, key: string) {
  const text = object.metadata?.annotations?.[key];
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}

export function revisionOf(rs: { metadata?: { annotations?: Record<string, string> } }): number {
  return intAnnotation(rs, REVISION) ?? 0;
}

export function maxRevision(sets: ReplicaSetObject[]): number {
  return sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

export function desiredReplicasAnnotation(rs: ReplicaSetObject): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS);
}

export function maxReplicasAnnotation(rs: ReplicaSetObject): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS);
}

function annotations(object: {
  metadata?: { annotations?: Record<string, string> };
}): Record<string, string> {
  object.metadata ??= {};
  object.metadata.annotations ??= {};
  return object.metadata.annotations;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSetObject, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/** Sets desired-replicas and max-replicas; true when something changed. */
export function setReplicasAnnotations(rs: ReplicaSetObject, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const a = annotations(rs);
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

/**
 * Copies the Deployment's annotations onto its new ReplicaSet and raises its revision to
 * `revision`, remembering a reused ReplicaSet's older revisions; true when something changed.
 */
export function setNewReplicaSetAnnotations(
  d: DeploymentObject,
  rs: ReplicaSetObject,
  revision: number,
  exists: boolean,
  maxSurge: number,
): boolean {
  const a = annotations(rs);
  let changed = false;
  for (const [key, value] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIPPED.has(key) || a[key] === value) continue;
    a[key] = value;
    changed = true;
  }
  const old = a[REVISION];
  if (old !== undefined && !/^\d+$/.test(old)) return false;
  const oldRevision = old === undefined ? 0 : Number(old);
  if (oldRevision < revision) {
    a[REVISION] = String(revision);
    changed = true;
    if (old !== undefined) {
      const history = a[REVISION_HISTORY] ? a[REVISION_HISTORY].split(",") : [];
      history.push(old);
      while (history.join(",").length > MAX_HISTORY_CHARS) history.shift();
      a[REVISION_HISTORY] = history.join(",");
    }
  }
  const replicas = d.spec?.replicas ?? 1;
  if (!exists && setReplicasAnnotations(rs, replicas, replicas + maxSurge)) changed = true;
  return changed;
}

/** Copies the new ReplicaSet's revision onto the Deployment; true when it changed. */
export function setDeploymentRevision(d: DeploymentObject, revision: string): boolean {
  const a = annotations(d);
  if (a[REVISION] === revision) return false;
  a[REVISION] = revision;
  return true;
}
