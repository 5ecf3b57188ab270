// `kube scheduler` (multicall: kube-scheduler): binds pending pods to nodes. Flags follow
// upstream kube-scheduler; the component itself arrives with issue 5.

import { defineKubeCommand } from "./kube-command.ts";
import { NotBuiltError } from "./not-built-error.ts";

export const schedulerCommand = defineKubeCommand({
  name: "scheduler",
  description: "Binds pending pods to nodes",
  args: {
    kubeconfig: { type: "string", description: "Path to a kubeconfig with the API server and credentials" },
    master: { type: "string", description: "API server URL (overrides the kubeconfig's server)" },
    "leader-elect": {
      type: "boolean",
      description: "Take a leader lease before scheduling, so several replicas can run",
      default: true,
    },
  },
  run: () => {
    throw new NotBuiltError(5);
  },
});
