// Leader election through a coordination.k8s.io Lease, as client-go's leaderelection does:
// take the lease when it is free or expired, renew it every retry period, and step down when
// a renewal fails past the deadline. Several replicas of a component can run; one leads.

import { type ApiClient, isStatus } from "../client/api-client.ts";
import { resource } from "../client/resource-client.ts";
import { type Clock, realClock, type Timer } from "../clock/clock.ts";

/** The lease timings (upstream's --leader-elect-lease-duration, -renew-deadline, -retry-period). */
export interface LeaderElectionTimings {
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface LeaderElectionOptions extends LeaderElectionTimings {
  client: ApiClient;
  namespace: string;
  /** Lease name: "kube-scheduler", "kube-controller-manager". */
  name: string;
  /** This replica's identity (hostname_uuid upstream). */
  identity: string;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  log(line: string): void;
  now?: () => Date;
  /** Times renewals and expiry (FakeClock in tests); the real clock by default. */
  clock?: Clock;
}

interface Lease {
  metadata?: { resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    renewTime?: string;
    acquireTime?: string;
    leaseTransitions?: number;
  };
}

function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export interface LeaderElector {
  isLeader(): boolean;
  /** Stops renewing and releases the lease if held (so another replica takes over at once). */
  stop(): Promise<void>;
}

export function startLeaderElection(options: LeaderElectionOptions): LeaderElector {
  const { client, namespace, name, identity, log } = options;
  const clock = options.clock ?? realClock;
  const now = options.now ?? (() => new Date(clock.now()));
  const duration = options.leaseDurationSeconds ?? 15;
  const retry = options.retryPeriodMs ?? 2000;
  const renewDeadline = options.renewDeadlineMs ?? 10_000;
  const leases = resource<Lease>(client, "leases").namespace(namespace);
  let leader = false;
  let lastRenew = 0;
  let stopped = false;
  let timer: Timer | undefined;

  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const time = now();
    let lease: Lease | undefined;
    try {
      lease = await leases.get(name);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: duration,
      renewTime: microTime(time),
      acquireTime: microTime(time),
      leaseTransitions: 0,
    };
    if (!lease) {
      await leases.create({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec,
      });
      return true;
    }
    const held = lease.spec?.holderIdentity;
    const renewed = lease.spec?.renewTime ? Date.parse(lease.spec.renewTime) : 0;
    const expired = renewed + (lease.spec?.leaseDurationSeconds ?? duration) * 1000 < time.getTime();
    if (held && held !== identity && !expired) return false;
    if (held === identity) {
      spec.acquireTime = lease.spec?.acquireTime ?? spec.acquireTime;
      spec.leaseTransitions = lease.spec?.leaseTransitions ?? 0;
    } else {
      spec.leaseTransitions = (lease.spec?.leaseTransitions ?? 0) + 1;
    }
    // The resourceVersion makes this a compare-and-swap: two replicas cannot both win.
    await leases.update({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name, namespace, resourceVersion: lease.metadata?.resourceVersion },
      spec,
    });
    return true;
  };

  const tick = async (): Promise<void> => {
    if (stopped) return;
    try {
      const ok = await tryAcquireOrRenew();
      if (ok) {
        lastRenew = clock.now();
        if (!leader) {
          leader = true;
          log(`leader election: ${identity} is the leader of ${namespace}/${name}`);
          options.onStartedLeading();
        }
      } else if (leader) {
        leader = false;
        log(`leader election: lost ${namespace}/${name} to another holder`);
        options.onStoppedLeading();
      }
    } catch (error) {
      if (leader && clock.now() - lastRenew > renewDeadline) {
        leader = false;
        log(`leader election: could not renew ${namespace}/${name} in time: ${(error as Error).message}`);
        options.onStoppedLeading();
      } else if (!isStatus(error, 409)) {
        log(`leader election: ${(error as Error).message}`);
      }
    }
    if (!stopped) timer = clock.after(retry, () => void tick());
  };
  void tick();

  return {
    isLeader: () => leader,
    async stop() {
      stopped = true;
      timer?.stop();
      if (!leader) return;
      leader = false;
      try {
        const lease = await leases.get(name);
        if (lease.spec?.holderIdentity === identity) {
          await leases.update({
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name, namespace, resourceVersion: lease.metadata?.resourceVersion },
            spec: { ...lease.spec, holderIdentity: "", renewTime: microTime(now()), leaseDurationSeconds: 1 },
          });
        }
      } catch (error) {
        log(`leader election: release of ${namespace}/${name} failed: ${(error as Error).message}`);
      }
    },
  };
}
