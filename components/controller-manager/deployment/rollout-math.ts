// The numbers of a rollout (upstream pkg/controller/deployment/util/deployment_util.go and
// apimachinery intstr.GetScaledValueFromIntOrPercent): maxSurge rounds up, maxUnavailable down,
// both zero means one unavailable; the new ReplicaSet's next size; proportional shares.

import type { DeploymentObject, ReplicaSetObject } from "./deployment-types.ts";
import { replicasOf } from "./deployment-types.ts";
import { maxReplicasAnnotation } from "./revisions.ts";

export type IntOrPercent = number | string | undefined;

/** An int, or "N%" of `total` rounded up or down. */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number") return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) {
    if (/^\d+$/.test(value)) return Number(value);
    throw new Error(
      `invalid value for IntOrString: invalid value "${value}": must be an integer or percentage`,
    );
  }
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

export function isRollingUpdate(d: DeploymentObject): boolean {
  return (d.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

/** [maxSurge, maxUnavailable] resolved against the desired replicas (upstream ResolveFenceposts). */
export function resolveFenceposts(
  surge: IntOrPercent,
  unavailable: IntOrPercent,
  desired: number,
): [number, number] {
  const s = scaledValue(surge ?? 0, desired, true);
  let u = scaledValue(unavailable ?? 0, desired, false);
  // Rounding maxUnavailable down can make both zero; then allow one unavailable, as surge may be blocked by quota.
  if (s === 0 && u === 0) u = 1;
  return [s, u];
}

function fenceposts(d: DeploymentObject): [number, number] {
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d));
}

export function maxSurge(d: DeploymentObject): number {
  return isRollingUpdate(d) ? fenceposts(d)[0] : 0;
}

export function maxUnavailable(d: DeploymentObject): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d)[1], replicas);
}

export function sumReplicas(sets: (ReplicaSetObject | undefined)[]): number {
  return sets.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0);
}

type Counted = "replicas" | "readyReplicas" | "availableReplicas";

/** The sum of a status field over the ReplicaSets (actual, ready or available pods). */
export function sumStatus(sets: (ReplicaSetObject | undefined)[], field: Counted): number {
  return sets.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);
}

/** The size the new ReplicaSet may grow to now (upstream NewRSNewReplicas). */
export function newRSNewReplicas(
  d: DeploymentObject,
  all: ReplicaSetObject[],
  newRS: ReplicaSetObject,
): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d)) return replicas;
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, replicas, true);
  const current = sumReplicas(all);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, replicas - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

/** Go's math.Round for the proportion of a ReplicaSet (halves away from zero). */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function fraction(rs: ReplicaSetObject, d: DeploymentObject): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  const size = (replicasOf(rs) * deploymentReplicas) / annotated;
  return roundHalfAway(size) - replicasOf(rs);
}

/** How many replicas this ReplicaSet gains (or loses) in a proportional scale (upstream GetProportion). */
export function proportion(rs: ReplicaSetObject, d: DeploymentObject, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const share = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(share, allowed) : Math.max(share, allowed);
}
