// TaintToleration (upstream plugins/tainttoleration): Filter rejects a node with a NoSchedule or
// NoExecute taint the pod does not tolerate; Score counts untolerated PreferNoSchedule taints,
// fewer is better (normalized in reverse).

import type { Taint, Toleration } from "kubernetes-types/core/v1";
import type { NodeInfo } from "../node-info.ts";
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from "../plugin.ts";
import { SKIP, SUCCESS, unresolvable } from "../status.ts";
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

const SCORE_STATE = "TaintToleration/score";

const hasPreferNoSchedule = (node: NodeInfo): boolean =>
  node.taints.length > 0 && node.taints.some((t) => t.effect === "PreferNoSchedule");

export const taintTolerationScore: ScorePlugin = {
  name: "TaintToleration",
  weight: 3,
  preScore(state, pod, nodes) {
    // No feasible node has a PreferNoSchedule taint: every node scores the same, which cannot
    // change the choice (upstream scores them all alike; skipping saves a pass per cycle).
    if (!nodes.some(hasPreferNoSchedule)) return SKIP;
    const tolerations = pod.pod.spec?.tolerations ?? [];
    state.set(
      SCORE_STATE,
      tolerations.filter((t) => !t.effect || t.effect === "PreferNoSchedule"),
    );
    return SUCCESS;
  },
  score(state, _pod, node) {
    if (node.taints.length === 0) return 0;
    const tolerations = state.get(SCORE_STATE) as Toleration[];
    let count = 0;
    for (const taint of node.taints)
      if (taint.effect === "PreferNoSchedule" && !tolerated(tolerations, taint)) count++;
    return count;
  },
  normalize(_state, scores) {
    defaultNormalize(scores, true);
  },
};
