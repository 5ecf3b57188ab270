// NodeUnschedulable (upstream plugins/nodeunschedulable): a cordoned node
// (spec.unschedulable) takes only pods tolerating node.kubernetes.io/unschedulable:NoSchedule.

import type { FilterPlugin } from "../plugin.ts";
import { SUCCESS, unresolvable } from "../status.ts";
import { tolerated } from "../tolerations.ts";

export const ERR_NODE_UNSCHEDULABLE = "node(s) were unschedulable";
const TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

export const nodeUnschedulable: FilterPlugin = {
  name: "NodeUnschedulable",
  filter(_state, pod, node) {
    if (!node.node?.spec?.unschedulable) return SUCCESS;
    return tolerated(pod.pod.spec?.tolerations, TAINT) ? SUCCESS : unresolvable(ERR_NODE_UNSCHEDULABLE);
  },
};
