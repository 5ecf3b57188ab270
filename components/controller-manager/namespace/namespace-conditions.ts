// The status conditions of a terminating namespace (upstream pkg/controller/namespace/deletion
// status_condition_utils.go): five condition types, each True with what went wrong or False with
// upstream's "ok" reason and message; lastTransitionTime moves only when the status flips.

import type { Namespace, NamespaceCondition } from "kubernetes-types/core/v1";

export const CONDITION_TYPES = [
  "NamespaceDeletionDiscoveryFailure",
  "NamespaceDeletionGroupVersionParsingFailure",
  "NamespaceDeletionContentFailure",
  "NamespaceContentRemaining",
  "NamespaceFinalizersRemaining",
] as const;

export type NamespaceConditionType = (typeof CONDITION_TYPES)[number];

const OK: Record<NamespaceConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: {
    reason: "ResourcesDiscovered",
    message: "All resources successfully discovered",
  },
  NamespaceDeletionGroupVersionParsingFailure: {
    reason: "ParsedGroupVersions",
    message: "All legacy kube types successfully parsed",
  },
  NamespaceDeletionContentFailure: {
    reason: "ContentDeleted",
    message: "All content successfully deleted, may be waiting on finalization",
  },
  NamespaceContentRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
  NamespaceFinalizersRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
};

/** What one deletion pass found: failures and what remains, as upstream's condition updater collects. */
export interface DeletionReport {
  /** Group-versions discovery could not read, with the reason. */
  discoveryFailures: string[];
  /** One message per resource whose content could not be deleted. */
  contentErrors: string[];
  /** "pods." -> 2 (resource.group -> remaining instances). */
  remaining: Map<string, number>;
  /** finalizer -> instances still carrying it. */
  finalizers: Map<string, number>;
}

export function emptyReport(): DeletionReport {
  return { discoveryFailures: [], contentErrors: [], remaining: new Map(), finalizers: new Map() };
}

type Failure = Pick<NamespaceCondition, "reason" | "message">;

/** The failing conditions a report asks for, by type. */
export function failures(report: DeletionReport): Map<NamespaceConditionType, Failure> {
  const out = new Map<NamespaceConditionType, Failure>();
  if (report.discoveryFailures.length > 0) {
    out.set("NamespaceDeletionDiscoveryFailure", {
      reason: "DiscoveryFailed",
      message: `Discovery failed for some groups, ${report.discoveryFailures.length} failing: ${report.discoveryFailures.join(", ")}`,
    });
  }
  if (report.contentErrors.length > 0) {
    const messages = [...report.contentErrors].sort();
    out.set("NamespaceDeletionContentFailure", {
      reason: "ContentDeletionFailed",
      message: `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(", ")}`,
    });
  }
  const remaining = [...report.remaining]
    .filter(([, n]) => n > 0)
    .map(([resource, n]) => `${resource} has ${n} resource instances`)
    .sort();
  if (remaining.length > 0) {
    out.set("NamespaceContentRemaining", {
      reason: "SomeResourcesRemain",
      message: `Some resources are remaining: ${remaining.join(", ")}`,
    });
  }
  const byFinalizer = [...report.finalizers]
    .filter(([, n]) => n > 0)
    .map(([finalizer, n]) => `${finalizer} in ${n} resource instances`)
    .sort();
  if (byFinalizer.length > 0) {
    out.set("NamespaceFinalizersRemaining", {
      reason: "SomeFinalizerRemain",
      message: `Some finalizers are remaining: ${byFinalizer.join(", ")}`,
    });
  }
  return out;
}

/** Writes the five conditions into `namespace.status`; true when anything changed. */
export function updateConditions(namespace: Namespace, report: DeletionReport, now: Date): boolean {
  namespace.status ??= {};
  namespace.status.conditions ??= [];
  const conditions = namespace.status.conditions;
  const failing = failures(report);
  const time = `${now.toISOString().slice(0, 19)}Z`;
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const failure = failing.get(type);
    const wanted = failure ? { status: "True", ...failure } : { status: "False", ...OK[type] };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ type, ...wanted, lastTransitionTime: time });
      changed = true;
    } else if (
      old.status !== wanted.status ||
      old.reason !== wanted.reason ||
      old.message !== wanted.message
    ) {
      if (old.status !== wanted.status) old.lastTransitionTime = time;
      Object.assign(old, wanted);
      changed = true;
    }
  }
  return changed;
}
