// NodePorts (upstream plugins/nodeports): a pod's host ports must be free on the node; ports
// clash when protocol and port match and either host IP is the wildcard or both are equal.

import type { FilterPlugin } from "../plugin.ts";
import type { HostPort } from "../pod-info.ts";
import { SKIP, SUCCESS, unschedulable } from "../status.ts";

export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

function clash(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.hostIP === "0.0.0.0" || b.hostIP === "0.0.0.0" || a.hostIP === b.hostIP;
}

export const nodePorts: FilterPlugin = {
  name: "NodePorts",
  preFilter(_state, pod) {
    return pod.hostPorts.length ? SUCCESS : SKIP;
  },
  filter(_state, pod, node) {
    for (const wanted of pod.hostPorts)
      for (const used of node.usedPorts) if (clash(wanted, used)) return unschedulable(ERR_NODE_PORTS);
    return SUCCESS;
  },
};
