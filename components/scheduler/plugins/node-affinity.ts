// NodeAffinity (upstream plugins/nodeaffinity): Filter holds a node to the pod's nodeSelector
// and required node affinity; Score sums the weights of the preferred terms the node matches.

import { podMatchesNodeSelectorAndAffinity, termMatchesNode } from "../node-selector-match.ts";
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from "../plugin.ts";
import { SKIP, SUCCESS, unresolvable } from "../status.ts";

export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinityFilter: FilterPlugin = {
  name: "NodeAffinity",
  preFilter(_state, pod) {
    const spec = pod.pod.spec;
    const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    return Object.keys(spec?.nodeSelector ?? {}).length || required ? SUCCESS : SKIP;
  },
  filter(_state, pod, node) {
    return podMatchesNodeSelectorAndAffinity(pod.pod, node) ? SUCCESS : unresolvable(ERR_NODE_AFFINITY);
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: "NodeAffinity",
  weight: 2,
  preScore(_state, pod) {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    return preferred?.length ? SUCCESS : SKIP;
  },
  score(_state, pod, node) {
    let total = 0;
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    for (const p of preferred ?? []) if (p.weight && termMatchesNode(p.preference, node)) total += p.weight;
    return total;
  },
  normalize(_state, scores) {
    defaultNormalize(scores, false);
  },
};
