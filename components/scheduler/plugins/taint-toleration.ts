// TaintToleration (upstream plugins/tainttoleration): Filter rejects a node with a NoSchedule or
// NoExecute taint the pod does not tolerate; Score counts untolerated PreferNoSchedule taints,
// fewer is better (normalized in reverse).

import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from "../plugin.ts";
import { SUCCESS, unresolvable } from "../status.ts";
import { tolerated } from "../tolerations.ts";

export function untoleratedTaintMessage(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`;
}

export const taintTolerationFilter: FilterPlugin = {
  name: "TaintToleration",
  filter(_state, pod, node) {
    for (const taint of node.taints) {
      if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
      if (!tolerated(pod.pod.spec?.tolerations, taint)) return unresolvable(untoleratedTaintMessage(taint));
    }
    return SUCCESS;
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: "TaintToleration",
  weight: 3,
  score(_state, pod, node) {
    let count = 0;
    const tolerations = pod.pod.spec?.tolerations?.filter(
      (t) => !t.effect || t.effect === "PreferNoSchedule",
    );
    for (const taint of node.taints)
      if (taint.effect === "PreferNoSchedule" && !tolerated(tolerations, taint)) count++;
    return count;
  },
  normalize(_state, scores) {
    defaultNormalize(scores, true);
  },
};
