// Whether a pod tolerates a taint (upstream k8s.io/api core/v1 Toleration.ToleratesTaint):
// an empty effect matches every effect, an empty key with Exists matches every key.

import type { Taint, Toleration } from "kubernetes-types/core/v1";

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.operator || t.operator === "Equal") return (t.value ?? "") === (taint.value ?? "");
  return t.operator === "Exists";
}

export function tolerated(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  for (const t of tolerations ?? []) if (toleratesTaint(t, taint)) return true;
  return false;
}
