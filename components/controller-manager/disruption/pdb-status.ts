// The numbers of a PodDisruptionBudget's status (upstream pkg/controller/disruption/
// disruption.go countHealthyPods, buildDisruptedPodMap, updatePdbStatus and
// pkg/apis/policy/helper UpdateDisruptionAllowedCondition), as pure functions.

import type { Pod } from "kubernetes-types/core/v1";
import type { Condition } from "kubernetes-types/meta/v1";
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from "kubernetes-types/policy/v1";
import { isPodReady } from "../common/pod-predicates.ts";

/** How long a pod the eviction subresource admitted may take to be deleted (upstream DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export interface DisruptedPods {
  /** The entries of status.disruptedPods still expected to be deleted. */
  pods: Record<string, string>;
  /** The earliest time one of them expires (when to sync again). */
  recheckAt?: Date;
  /** Pods past their deadline and not deleted ("NotDeleted" events). */
  overdue: Pod[];
}

export function buildDisruptedPodMap(pods: Pod[], pdb: PodDisruptionBudget, now: Date): DisruptedPods {
  const recorded = pdb.status?.disruptedPods;
  const result: DisruptedPods = { pods: {}, overdue: [] };
  if (!recorded) return result;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const name = pod.metadata?.name ?? "";
    const at = recorded[name];
    if (at === undefined) continue;
    const expected = new Date(Date.parse(at) + DELETION_TIMEOUT_MS);
    if (expected.getTime() < now.getTime()) {
      result.overdue.push(pod);
      continue;
    }
    if (!result.recheckAt || expected < result.recheckAt) result.recheckAt = expected;
    result.pods[name] = at;
  }
  return result;
}

/** Ready pods neither being deleted nor recently admitted for eviction. */
export function countHealthyPods(pods: Pod[], disrupted: Record<string, string>, now: Date): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name ?? ""];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now.getTime()) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/** meta.SetStatusCondition: the transition time moves only when the status changes. */
export function setCondition(
  conditions: Condition[],
  next: Omit<Condition, "lastTransitionTime">,
  now: Date,
): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const lastTransitionTime =
    old && old.status === next.status ? old.lastTransitionTime : `${now.toISOString().slice(0, 19)}Z`;
  const merged: Condition = { ...next, lastTransitionTime };
  return old ? conditions.map((c) => (c.type === next.type ? merged : c)) : [...conditions, merged];
}

export interface PdbCounts {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptedPods: Record<string, string>;
}

/** The status to write; PDBs matching no expected pods allow no disruption (a safe start). */
export function pdbStatus(pdb: PodDisruptionBudget, counts: PdbCounts, now: Date): PodDisruptionBudgetStatus {
  let allowed = counts.currentHealthy - counts.desiredHealthy;
  if (counts.expectedPods <= 0 || allowed <= 0) allowed = 0;
  const observedGeneration = pdb.metadata?.generation ?? 0;
  const conditions = setCondition(
    pdb.status?.conditions ?? [],
    allowed > 0
      ? {
          type: "DisruptionAllowed",
          status: "True",
          reason: "SufficientPods",
          message: "",
          observedGeneration,
        }
      : {
          type: "DisruptionAllowed",
          status: "False",
          reason: "InsufficientPods",
          message: "",
          observedGeneration,
        },
    now,
  );
  return {
    currentHealthy: counts.currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedPods,
    disruptionsAllowed: allowed,
    ...(Object.keys(counts.disruptedPods).length ? { disruptedPods: counts.disruptedPods } : {}),
    observedGeneration,
    conditions,
  };
}

/** The failsafe status after a sync error (upstream failSafe): no disruptions, reason SyncFailed. */
export function failSafeStatus(
  pdb: PodDisruptionBudget,
  message: string,
  now: Date,
): PodDisruptionBudgetStatus {
  const observedGeneration = pdb.metadata?.generation ?? 0;
  return {
    ...pdb.status,
    currentHealthy: pdb.status?.currentHealthy ?? 0,
    desiredHealthy: pdb.status?.desiredHealthy ?? 0,
    expectedPods: pdb.status?.expectedPods ?? 0,
    disruptionsAllowed: 0,
    conditions: setCondition(
      pdb.status?.conditions ?? [],
      { type: "DisruptionAllowed", status: "False", reason: "SyncFailed", message, observedGeneration },
      now,
    ),
  };
}
