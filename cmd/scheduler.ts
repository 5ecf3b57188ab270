// `kube scheduler` (multicall: kube-scheduler): binds pending pods to nodes. Flags follow
// upstream kube-scheduler.

import { startScheduler } from "../components/scheduler/start-scheduler.ts";
import { apiClientFromFlags } from "./api-client-flags.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { LEADER_ELECTION_FLAGS, readLeaderElectionFlags } from "./leader-election-flags.ts";
import { supervise } from "./supervise.ts";

export const schedulerCommand = defineKubeCommand({
  name: "scheduler",
  description: "Binds pending pods to nodes",
  args: {
    kubeconfig: { type: "string", description: "Path to a kubeconfig with the API server and credentials" },
    master: {
      type: "string",
      description: "API server URL (overrides the kubeconfig's server); several, comma separated, fail over",
    },
    ...LEADER_ELECTION_FLAGS,
    "scheduler-name": {
      type: "string",
      description: "Schedule the pods whose spec.schedulerName is this",
      default: "default-scheduler",
    },
  },
  run: (args, prog) => {
    const log = (line: string): void => console.error(`${prog}: ${line}`);
    const client = apiClientFromFlags(args, "kube-scheduler");
    const leaderElection = readLeaderElectionFlags(args);
    return supervise({
      prog,
      starters: [
        () =>
          startScheduler({
            client,
            schedulerName: args["scheduler-name"],
            leaderElect: args["leader-elect"] !== false,
            leaderElection,
            log,
          }),
      ],
      onReady: () => log(`scheduler running against ${client.server}`),
    });
  },
});
