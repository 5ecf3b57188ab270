// Taints against tolerations for NoExecute eviction (upstream
// staging/src/k8s.io/api/core/v1/toleration.go ToleratesTaint and
// pkg/controller/tainteviction getMinTolerationTime).

import type { Taint, Toleration } from "kubernetes-types/core/v1";

/** Upstream Toleration.ToleratesTaint: effect, key (or empty key with Exists) and value. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const operator = toleration.operator || "Equal";
  if (operator === "Exists") return true;
  if (operator === "Equal") return (toleration.value ?? "") === (taint.value ?? "");
  return false;
}

export type EvictionVerdict =
  /** Every taint is tolerated forever (or there is none): no eviction. */
  | { kind: "keep" }
  /** Some taint is not tolerated: evict now. */
  | { kind: "now" }
  /** Evict after the smallest tolerationSeconds of the tolerations in use. */
  | { kind: "after"; seconds: number };

/** What the NoExecute `taints` of a node mean for a pod with `tolerations`. */
export function evictionVerdict(taints: Taint[], tolerations: Toleration[]): EvictionVerdict {
  const noExecute = taints.filter((t) => t.effect === "NoExecute");
  if (noExecute.length === 0) return { kind: "keep" };
  const used: Toleration[] = [];
  for (const taint of noExecute) {
    // Upstream GetMatchingTolerations: the first toleration that matches counts.
    const first = tolerations.find((t) => toleratesTaint(t, taint));
    if (!first) return { kind: "now" };
    used.push(first);
  }
  let min = -1;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    const seconds = Math.max(0, t.tolerationSeconds);
    if (min < 0 || seconds < min) min = seconds;
  }
  return min < 0 ? { kind: "keep" } : { kind: "after", seconds: min };
}
