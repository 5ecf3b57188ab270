// Upstream's leader-election flags (component-base LeaderElectionConfiguration), shared by
// `kube scheduler` and `kube controller-manager`: whether to elect, and the lease timings.
import type { LeaderElectionTimings } from "../lib/leaderelection/leader-election.ts";
import { parseDuration } from "./flag-values.ts";
import { UsageError } from "./usage-error.ts";

export const LEADER_ELECTION_FLAGS = {
  "leader-elect": {
    type: "boolean",
    description: "Take a leader lease before running, so several replicas can run and one leads",
    default: true,
  },
  "leader-elect-lease-duration": {
    type: "string",
    valueHint: "duration",
    description: "How long a standby waits after the leader's last renewal before taking the lease",
    default: "15s",
  },
  "leader-elect-renew-deadline": {
    type: "string",
    valueHint: "duration",
    description: "How long the leader keeps retrying a renewal before it steps down",
    default: "10s",
  },
  "leader-elect-retry-period": {
    type: "string",
    valueHint: "duration",
    description: "How often to try to take or renew the lease",
    default: "2s",
  },
} as const;

export function readLeaderElectionFlags(args: {
  "leader-elect-lease-duration": string;
  "leader-elect-renew-deadline": string;
  "leader-elect-retry-period": string;
}): LeaderElectionTimings {
  const leaseMs = parseDuration("leader-elect-lease-duration", args["leader-elect-lease-duration"]);
  const renewDeadlineMs = parseDuration("leader-elect-renew-deadline", args["leader-elect-renew-deadline"]);
  const retryPeriodMs = parseDuration("leader-elect-retry-period", args["leader-elect-retry-period"]);
  // Upstream's validation: the leader must give up before a standby may take over.
  if (leaseMs <= renewDeadlineMs)
    throw new UsageError(
      `--leader-elect-lease-duration (${args["leader-elect-lease-duration"]}) must be greater than --leader-elect-renew-deadline (${args["leader-elect-renew-deadline"]})`,
    );
  if (renewDeadlineMs <= retryPeriodMs)
    throw new UsageError(
      `--leader-elect-renew-deadline (${args["leader-elect-renew-deadline"]}) must be greater than --leader-elect-retry-period (${args["leader-elect-retry-period"]})`,
    );
  return { leaseDurationSeconds: Math.max(1, Math.ceil(leaseMs / 1000)), renewDeadlineMs, retryPeriodMs };
}
