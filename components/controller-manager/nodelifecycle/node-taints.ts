// What the node lifecycle controller writes on a Node (upstream pkg/controller/nodelifecycle:
// tryUpdateNodeHealth's Unknown conditions, doNoScheduleTaintingPass and
// doNoExecuteTaintingPass's taints): pure functions of the Node, unit-tested beside it.

import type { Node, NodeCondition, Taint } from "kubernetes-types/core/v1";

export const NOT_READY = "node.kubernetes.io/not-ready";
export const UNREACHABLE = "node.kubernetes.io/unreachable";

/** The conditions the kubelet posts and the controller marks Unknown when it goes silent. */
const MONITORED = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

/** Condition (type, status) -> NoSchedule taint key (TaintNodesByCondition). */
const NO_SCHEDULE: Record<string, Record<string, string>> = {
  Ready: { False: NOT_READY, Unknown: UNREACHABLE },
  MemoryPressure: { True: "node.kubernetes.io/memory-pressure" },
  DiskPressure: { True: "node.kubernetes.io/disk-pressure" },
  PIDPressure: { True: "node.kubernetes.io/pid-pressure" },
  NetworkUnavailable: { True: "node.kubernetes.io/network-unavailable" },
};
const UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
const MANAGED_NO_SCHEDULE = new Set([
  ...Object.values(NO_SCHEDULE).flatMap((m) => Object.values(m)),
  UNSCHEDULABLE,
]);
const MANAGED_NO_EXECUTE = new Set([NOT_READY, UNREACHABLE]);

export function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready");
}

/**
 * The node's conditions with the monitored ones set to Unknown ("Kubelet stopped posting node
 * status."), or undefined when they all are Unknown already.
 */
export function unknownConditions(node: Node, now: string): NodeCondition[] | undefined {
  const conditions = structuredClone(node.status?.conditions ?? []);
  let changed = false;
  for (const type of MONITORED) {
    const current = conditions.find((c) => c.type === type);
    if (!current) {
      conditions.push({
        type,
        status: "Unknown",
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
        lastHeartbeatTime: node.metadata?.creationTimestamp,
        lastTransitionTime: now,
      });
      changed = true;
    } else if (current.status !== "Unknown") {
      current.status = "Unknown";
      current.reason = "NodeStatusUnknown";
      current.message = "Kubelet stopped posting node status.";
      current.lastTransitionTime = now;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}

function wantedTaints(node: Node, now: string): Taint[] {
  const out: Taint[] = [];
  const conditions = node.status?.conditions ?? [];
  for (const c of conditions) {
    const key = NO_SCHEDULE[c.type]?.[c.status];
    if (key) out.push({ key, effect: "NoSchedule" });
  }
  if (node.spec?.unschedulable) out.push({ key: UNSCHEDULABLE, effect: "NoSchedule" });
  const ready = readyCondition(node)?.status;
  if (ready === "False") out.push({ key: NOT_READY, effect: "NoExecute", timeAdded: now });
  if (ready === "Unknown") out.push({ key: UNREACHABLE, effect: "NoExecute", timeAdded: now });
  return out;
}

function managed(taint: Taint): boolean {
  if (taint.effect === "NoSchedule") return MANAGED_NO_SCHEDULE.has(taint.key);
  if (taint.effect === "NoExecute") return MANAGED_NO_EXECUTE.has(taint.key);
  return false;
}

const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;

/** Whether the node's conditions want a not-ready/unreachable NoExecute taint it does not have yet. */
export function wantsNoExecuteAdded(node: Node, now: string): boolean {
  const current = node.spec?.taints ?? [];
  return wantedTaints(node, now).some((w) => w.effect === "NoExecute" && !current.some((t) => same(w, t)));
}

/**
 * How the controller's NoExecute taints move in a reconcile: "add" follows the conditions, "keep"
 * adds none (the zone's tainting rate is spent; ones no longer wanted still go), "remove" drops
 * them all (upstream's master disruption mode: every node is not Ready).
 */
export type NoExecuteMode = "add" | "keep" | "remove";

/**
 * The node's taints with the controller's own (not-ready, unreachable, pressure, unschedulable)
 * made to follow its conditions; taints that stay keep their timeAdded. Undefined when unchanged.
 */
export function reconcileTaints(
  node: Node,
  now: string,
  noExecute: NoExecuteMode = "add",
): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wanted = wantedTaints(node, now).filter(
    (w) =>
      w.effect !== "NoExecute" ||
      noExecute === "add" ||
      (noExecute === "keep" && current.some((t) => same(w, t))),
  );
  const kept = current.filter((t) => !managed(t) || wanted.some((w) => same(w, t)));
  const added = wanted.filter((w) => !current.some((t) => same(w, t)));
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}
