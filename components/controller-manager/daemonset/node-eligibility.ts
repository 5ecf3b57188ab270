// Which nodes a DaemonSet's pod belongs on (upstream pkg/controller/daemon/daemon_controller.go
// NodeShouldRunDaemonPod and pkg/controller/daemon/util): spec.nodeName, nodeSelector, required
// node affinity, and NoSchedule/NoExecute taints against the pod's tolerations plus the
// DaemonSet defaults; a pod keeps running on a node whose only untolerated taints are NoSchedule.

import type {
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodSpec,
  Taint,
  Toleration,
} from "kubernetes-types/core/v1";

/** AddOrUpdateDaemonPodTolerations: what every daemon pod tolerates. */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  const defaults: Toleration[] = [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
  ];
  if (spec.hostNetwork) {
    defaults.push({
      key: "node.kubernetes.io/network-unavailable",
      operator: "Exists",
      effect: "NoSchedule",
    });
  }
  const out = [...(spec.tolerations ?? [])];
  for (const t of defaults) {
    const i = out.findIndex((o) => o.key === t.key && o.effect === t.effect);
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

/** v1helper.ToleratesTaint. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== "Exists") return false;
  if (toleration.operator === "Exists") return true;
  return (toleration.value ?? "") === (taint.value ?? "");
}

function untolerated(taints: Taint[], tolerations: Toleration[], effects: string[]): Taint[] {
  return taints.filter((t) => effects.includes(t.effect) && !tolerations.some((o) => tolerates(o, t)));
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0] ?? "")) return false;
      const [a, b] = [Number(value), Number(values[0])];
      return req.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A node selector term (expressions on labels AND fields on metadata.name); an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return (
    exprs.every((r) => requirementMatches(r, labels[r.key])) &&
    fields.every((r) => r.key === "metadata.name" && requirementMatches(r, node.metadata?.name))
  );
}

/** nodeSelector plus required node affinity (the scheduler's RequiredNodeAffinity). */
export function fitsNodeAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((term) => termMatches(term, node));
}

export interface Eligibility {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod for a DaemonSet's pod template spec. */
export function nodeShouldRunDaemonPod(template: PodSpec, node: Node): Eligibility {
  const name = node.metadata?.name;
  if (template.nodeName && template.nodeName !== name)
    return { shouldRun: false, shouldContinueRunning: false };
  if (!fitsNodeAffinity(template, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = daemonPodTolerations(template);
  if (untolerated(taints, tolerations, ["NoSchedule", "NoExecute"]).length === 0) {
    return { shouldRun: true, shouldContinueRunning: true };
  }
  return {
    shouldRun: false,
    shouldContinueRunning: untolerated(taints, tolerations, ["NoExecute"]).length === 0,
  };
}
