// Evaluates a pod or template against one level and version: baseline checks, then restricted
// ones in place of those they override, each group in check-id order (stable messages). Upstream:
// k8s.io/pod-security-admission policy/registry.go and checks.go (AggregateCheckResults).
import type { PodSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { BASELINE_HOST_CHECKS } from "./baseline-host-checks.ts";
import { BASELINE_PROFILE_CHECKS } from "./baseline-profile-checks.ts";
import type { Check } from "./check-helpers.ts";
import { type LevelVersion, minorOf } from "./policy-level.ts";
import { RESTRICTED_CHECKS } from "./restricted-checks.ts";

const byId = (a: Check, b: Check) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const BASELINE = [...BASELINE_HOST_CHECKS, ...BASELINE_PROFILE_CHECKS].sort(byId);
const RESTRICTED = [...RESTRICTED_CHECKS].sort(byId);

/** The failed checks of one evaluation (upstream's AggregateCheckResult). */
export interface Violations {
  allowed: boolean;
  reasons: string[];
  details: string[];
}

/** The checks that run for `lv`, in upstream's order. */
export function checksFor(lv: LevelVersion): Check[] {
  if (lv.level === "privileged") return [];
  const minor = minorOf(lv.version);
  const active = (c: Check) => c.minVersion <= minor;
  const baseline = BASELINE.filter(active);
  if (lv.level === "baseline") return baseline;
  const restricted = RESTRICTED.filter(active);
  const overridden = new Set(
    restricted.flatMap((c) => (c.overrides ?? []).filter((o) => o.from <= minor).map((o) => o.id)),
  );
  return [...baseline.filter((c) => !overridden.has(c.id)), ...restricted];
}

export function evaluatePod(
  lv: LevelVersion,
  meta: ObjectMeta | undefined,
  spec: PodSpec | undefined,
): Violations {
  const reasons: string[] = [];
  const details: string[] = [];
  const minor = minorOf(lv.version);
  for (const check of checksFor(lv)) {
    const result = check.run(meta ?? {}, spec ?? { containers: [] }, minor);
    if (result.allowed) continue;
    reasons.push(result.forbiddenReason || "unknown forbidden reason");
    details.push(result.forbiddenDetail ?? "");
  }
  return { allowed: reasons.length === 0, reasons, details };
}

/** "host namespaces, privileged" (upstream's ForbiddenReason, used for existing pods). */
export function forbiddenReason(v: Violations): string {
  return v.reasons.join(", ");
}

/** "host namespaces (hostPID=true), privileged (container \"c\" must ...)" (upstream's ForbiddenDetail). */
export function forbiddenDetail(v: Violations): string {
  return v.reasons.map((r, i) => (v.details[i] ? `${r} (${v.details[i]})` : r)).join(", ");
}
