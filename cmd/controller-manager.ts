// `kube controller-manager` (multicall: kube-controller-manager): the control loops. Flags
// follow upstream kube-controller-manager; the component itself arrives with issue 5.

import { defineKubeCommand } from "./kube-command.ts";
import { NotBuiltError } from "./not-built-error.ts";

export const controllerManagerCommand = defineKubeCommand({
  name: "controller-manager",
  description: "Control loops: ReplicaSet, Deployment, Endpoints, GC, namespaces, nodes, ...",
  args: {
    kubeconfig: { type: "string", description: "Path to a kubeconfig with the API server and credentials" },
    master: { type: "string", description: "API server URL (overrides the kubeconfig's server)" },
    "leader-elect": {
      type: "boolean",
      description: "Take a leader lease before running controllers, so several replicas can run",
      default: true,
    },
    controllers: {
      type: "string",
      description: "Comma-separated controllers to run; '*' for all, '-name' to disable one",
      default: "*",
    },
    "cluster-cidr": { type: "string", description: "CIDR of pod IPs in the cluster" },
    "allocate-node-cidrs": {
      type: "boolean",
      description: "Give each node a pod CIDR out of --cluster-cidr",
    },
  },
  run: () => {
    throw new NotBuiltError(5);
  },
});
