// What admission plugins add to a new pod that is not defaulting proper: the
// DefaultTolerationSeconds tolerations (plugin/pkg/admission/defaulttolerationseconds) and the
// Priority plugin's priority and preemptionPolicy (plugin/pkg/admission/priority) for the
// built-in system classes; other classes are resolved by the pipeline's admission.
import { isObject, type JsonObject, list } from "../validation/json.ts";

const TAINTS = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];

/** Built-in PriorityClasses of every cluster (pkg/apis/scheduling SystemPriorityClasses). */
export const SYSTEM_PRIORITIES: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

export function addDefaultTolerations(spec: JsonObject): void {
  const existing = list(spec, "tolerations").filter(isObject);
  const tolerates = (key: string) =>
    existing.some(
      (t) =>
        (t.effect === "NoExecute" || t.effect === undefined || t.effect === "") &&
        (t.key === key || t.key === undefined || t.key === ""),
    );
  const add = TAINTS.filter((k) => !tolerates(k));
  if (add.length === 0) return;
  if (spec.tolerations !== undefined && spec.tolerations !== null && !Array.isArray(spec.tolerations)) return;
  const tolerations = (spec.tolerations as unknown[] | undefined) ?? [];
  for (const key of add)
    tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  spec.tolerations = tolerations;
}

export function addPriority(spec: JsonObject): void {
  const cls = typeof spec.priorityClassName === "string" ? spec.priorityClassName : "";
  if (spec.priority === undefined || spec.priority === null) {
    const known = SYSTEM_PRIORITIES[cls];
    if (cls === "" || known !== undefined) spec.priority = known ?? 0;
  }
  if (spec.preemptionPolicy === undefined || spec.preemptionPolicy === null)
    spec.preemptionPolicy = "PreemptLowerPriority";
}
