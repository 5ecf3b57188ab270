// NodeName (upstream plugins/nodename): a pod that names its node (spec.nodeName set before it
// reaches the scheduler, or nominated by a rebinding tool) fits only there.

import type { FilterPlugin } from "../plugin.ts";
import { SKIP, SUCCESS, unresolvable } from "../status.ts";

export const ERR_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: "NodeName",
  preFilter(_state, pod) {
    return pod.pod.spec?.nodeName ? SUCCESS : SKIP;
  },
  filter(_state, pod, node) {
    const wanted = pod.pod.spec?.nodeName;
    return !wanted || wanted === node.name ? SUCCESS : unresolvable(ERR_NODE_NAME);
  },
};
