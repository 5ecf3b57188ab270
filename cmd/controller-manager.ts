// `kube controller-manager` (multicall: kube-controller-manager): the control loops. Flags
// follow upstream kube-controller-manager.

import { startControllerManager } from "../components/controller-manager/controller-manager.ts";
import { CONTROLLERS } from "../components/controller-manager/controllers.ts";
import {
  ControllerSelectionError,
  selectControllers,
} from "../components/controller-manager/select-controllers.ts";
import { apiClientFromFlags } from "./api-client-flags.ts";
import { readFlagFile } from "./apiserver-security-flags.ts";
import { parseDuration, parsePositiveInt } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { LEADER_ELECTION_FLAGS, readLeaderElectionFlags } from "./leader-election-flags.ts";
import { supervise } from "./supervise.ts";
import { UsageError } from "./usage-error.ts";

export const controllerManagerCommand = defineKubeCommand({
  name: "controller-manager",
  description: "Control loops: ReplicaSet, Deployment, Endpoints, GC, namespaces, nodes, ...",
  args: {
    kubeconfig: { type: "string", description: "Path to a kubeconfig with the API server and credentials" },
    master: {
      type: "string",
      description: "API server URL (overrides the kubeconfig's server); several, comma separated, fail over",
    },
    ...LEADER_ELECTION_FLAGS,
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
    "node-cidr-mask-size": {
      type: "string",
      valueHint: "int32",
      description: "Mask size of each node's pod CIDR out of --cluster-cidr",
      default: "24",
    },
    "node-monitor-grace-period": {
      type: "string",
      description: "How long a node may go without renewing its lease before it is NotReady",
      default: "40s",
    },
    "pod-eviction-timeout": {
      type: "string",
      description: "Default tolerationSeconds for not-ready/unreachable taints before eviction",
      default: "5m",
    },
    "root-ca-file": {
      type: "string",
      description: "PEM CA bundle published as ConfigMap kube-root-ca.crt in every namespace (pods' ca.crt)",
    },
    "service-account-private-key-file": {
      type: "string",
      description: "PEM private key that signs the tokens of kubernetes.io/service-account-token Secrets",
    },
    "cluster-signing-cert-file": {
      type: "string",
      description: "PEM CA certificate the csrsigning controller issues kubernetes.io/* certificates with",
    },
    "cluster-signing-key-file": {
      type: "string",
      description: "PEM private key of --cluster-signing-cert-file",
    },
    "cluster-signing-duration": {
      type: "string",
      description: "Longest validity of signed certificates (a CSR's expirationSeconds may ask for less)",
      default: "8760h0m0s",
    },
    "concurrent-syncs": {
      type: "string",
      valueHint: "int",
      description: "Workers per controller (upstream's --concurrent-*-syncs)",
      default: "5",
    },
  },
  run: (args, prog) => {
    const log = (line: string): void => console.error(`${prog}: ${line}`);
    let controllers: ReturnType<typeof selectControllers>;
    try {
      controllers = selectControllers(args.controllers, CONTROLLERS);
    } catch (error) {
      if (error instanceof ControllerSelectionError) throw new UsageError(error.message);
      throw error;
    }
    if (Boolean(args["cluster-signing-cert-file"]) !== Boolean(args["cluster-signing-key-file"]))
      throw new UsageError("--cluster-signing-cert-file and --cluster-signing-key-file go together");
    if (args["allocate-node-cidrs"] && !args["cluster-cidr"])
      throw new UsageError("--allocate-node-cidrs needs --cluster-cidr (for example 10.244.0.0/16)");
    const client = apiClientFromFlags(args, "kube-controller-manager");
    const leaderElection = readLeaderElectionFlags(args);
    const options = {
      clusterCIDR: args["cluster-cidr"],
      allocateNodeCIDRs: args["allocate-node-cidrs"] === true,
      nodeCIDRMaskSize: parseMaskSize(args["node-cidr-mask-size"]),
      nodeMonitorGracePeriodMs: parseDuration("node-monitor-grace-period", args["node-monitor-grace-period"]),
      podEvictionTimeoutMs: parseDuration("pod-eviction-timeout", args["pod-eviction-timeout"]),
      workers: parsePositiveInt("concurrent-syncs", args["concurrent-syncs"]),
      // Upstream: without --root-ca-file, the CA of the kubeconfig's cluster.
      ...(args["root-ca-file"]
        ? { rootCA: readFlagFile("root-ca-file", args["root-ca-file"]) }
        : client.caPem
          ? { rootCA: client.caPem }
          : {}),
      ...(args["cluster-signing-cert-file"] && args["cluster-signing-key-file"]
        ? {
            clusterSigningCert: readFlagFile("cluster-signing-cert-file", args["cluster-signing-cert-file"]),
            clusterSigningKey: readFlagFile("cluster-signing-key-file", args["cluster-signing-key-file"]),
          }
        : {}),
      clusterSigningDurationMs: parseDuration("cluster-signing-duration", args["cluster-signing-duration"]),
      ...(args["service-account-private-key-file"]
        ? {
            serviceAccountPrivateKey: readFlagFile(
              "service-account-private-key-file",
              args["service-account-private-key-file"],
            ),
          }
        : {}),
    };
    return supervise({
      prog,
      starters: [
        () =>
          startControllerManager({
            client,
            controllers,
            leaderElect: args["leader-elect"] !== false,
            leaderElection,
            options,
            log,
          }),
      ],
      onReady: () => log(`controller manager running against ${client.server}`),
    });
  },
});

/** `--node-cidr-mask-size`: a prefix length 1..32 (whether it fits --cluster-cidr is checked at start). */
function parseMaskSize(value: string): number {
  const size = Number(value);
  if (!/^\d+$/.test(value) || size < 1 || size > 32)
    throw new UsageError(`invalid --node-cidr-mask-size "${value}": want a prefix length 1..32`);
  return size;
}
