// `kube proxy` (multicall: kube-proxy): Service virtual IPs and node ports. Flags follow
// upstream kube-proxy; the component itself arrives with issue 6.

import { defineKubeCommand } from "./kube-command.ts";
import { NotBuiltError } from "./not-built-error.ts";

export const proxyCommand = defineKubeCommand({
  name: "proxy",
  description: "Service virtual IPs and node ports",
  args: {
    kubeconfig: { type: "string", description: "Path to a kubeconfig with the API server and credentials" },
    master: { type: "string", description: "API server URL (overrides the kubeconfig's server)" },
    "leader-elect": { type: "boolean", description: "Take a leader lease before programming rules" },
    "hostname-override": {
      type: "string",
      description: "Use this name instead of the hostname as the node name",
    },
  },
  run: () => {
    throw new NotBuiltError(6);
  },
});
