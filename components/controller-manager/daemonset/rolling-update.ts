// A DaemonSet's RollingUpdate step without surge (upstream pkg/controller/daemon/update.go
// rollingUpdate, maxSurge 0): old pods that are unavailable go at once; available ones only
// while fewer than maxUnavailable (an int or a percentage of desired nodes, rounded up) are down.

import type { DaemonSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { isPodAvailable, isPodTerminating } from "../common/pod-predicates.ts";
import { isPodUpdated } from "./daemon-pods.ts";
import type { Eligibility } from "./node-eligibility.ts";

/** intstr.GetScaledValueFromIntOrPercent(value, total, roundUp). */
export function scaledValue(value: number | string | undefined, total: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return /^\d+$/.test(value) ? Number(value) : fallback;
  return Math.ceil((Number(m[1]) * total) / 100);
}

export function rollingUpdateDeletions(options: {
  ds: DaemonSet;
  byNode: Map<string, Pod[]>;
  eligibility: Map<string, Eligibility>;
  hash: string;
  generation: string | undefined;
  now: Date;
}): Pod[] {
  const { ds, byNode, eligibility, hash, generation, now } = options;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const desired = [...eligibility.values()].filter((e) => e.shouldRun).length;
  let maxUnavailable = scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, desired, 1);
  if (maxUnavailable === 0) maxUnavailable = 1;
  let unavailable = 0;
  const replaceNow: Pod[] = [];
  const candidates: Pod[] = [];
  for (const [node, all] of byNode) {
    if (!eligibility.get(node)?.shouldContinueRunning) continue;
    const pods = all.filter((p) => !isPodTerminating(p));
    const fresh = pods.filter((p) => isPodUpdated(p, hash, generation));
    const old = pods.filter((p) => !isPodUpdated(p, hash, generation));
    if (pods.length > 1 || pods.length === 0) {
      unavailable++; // manage() settles these nodes first
      continue;
    }
    const newPod = fresh[0];
    const oldPod = old[0];
    if (newPod) {
      if (!isPodAvailable(newPod, minReady, now)) unavailable++;
    } else if (oldPod) {
      if (!isPodAvailable(oldPod, minReady, now)) replaceNow.push(oldPod);
      else candidates.push(oldPod);
    }
  }
  const remaining = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
  return [...replaceNow, ...candidates.slice(0, remaining)];
}
