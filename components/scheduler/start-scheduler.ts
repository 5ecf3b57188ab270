// `kube scheduler` as a Component (upstream cmd/kube-scheduler): with --leader-elect it takes
// the kube-system/kube-scheduler Lease first; then it lists and watches nodes and pods, fills
// the cache and queue, and schedules until stopped or the lease is lost.

import { hostname } from "node:os";
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../lib/client/api-client.ts";
import type { Component } from "../../lib/component.ts";
import { Informer } from "../../lib/informer/informer.ts";
import {
  type LeaderElectionTimings,
  type LeaderElector,
  startLeaderElection,
} from "../../lib/leaderelection/leader-election.ts";
import { defaultProfile } from "./default-profile.ts";
import { nodeEventHandlers, podEventHandlers } from "./event-handlers.ts";
import { Scheduler, type SchedulerOptions } from "./scheduler.ts";

export interface StartSchedulerOptions extends Omit<SchedulerOptions, "profile"> {
  client: ApiClient;
  leaderElect: boolean;
  /** Leader-election timings (flags; tests shorten them). */
  leaderElection?: LeaderElectionTimings;
}

export interface RunningScheduler extends Component {
  /** The scheduler while this replica leads (undefined otherwise). */
  current(): Scheduler | undefined;
}

export async function startScheduler(options: StartSchedulerOptions): Promise<RunningScheduler> {
  const { client, log } = options;
  const done = Promise.withResolvers<void>();
  let running: { scheduler: Scheduler; informers: Informer<Pod | Node>[]; loop: Promise<void> } | undefined;
  let starting: Promise<void> | undefined;

  const begin = async (): Promise<void> => {
    const scheduler = new Scheduler({ ...options, profile: defaultProfile() });
    const nodes = new Informer<Node>({ client, path: "/api/v1/nodes", log, ...nodeEventHandlers(scheduler) });
    const pods = new Informer<Pod>({ client, path: "/api/v1/pods", log, ...podEventHandlers(scheduler) });
    nodes.start();
    await nodes.synced;
    pods.start();
    await pods.synced;
    const loop = scheduler.run().catch((error: Error) => {
      log(`scheduler loop failed: ${error.message}`);
      done.reject(error);
    });
    running = { scheduler, informers: [nodes, pods] as Informer<Pod | Node>[], loop };
    log(
      `scheduling pods with schedulerName ${scheduler.name} (${scheduler.cache.nodeCount()} nodes, ${scheduler.queue.activeLength} pending)`,
    );
  };

  const end = async (): Promise<void> => {
    await starting;
    const r = running;
    running = undefined;
    if (!r) return;
    r.scheduler.stop();
    await Promise.all(r.informers.map((i) => i.stop()));
    await r.loop;
  };

  let elector: LeaderElector | undefined;
  if (options.leaderElect) {
    elector = startLeaderElection({
      client,
      namespace: "kube-system",
      name: "kube-scheduler",
      identity: `${hostname()}_${crypto.randomUUID()}`,
      ...options.leaderElection,
      onStartedLeading: () => {
        starting = begin().catch((error: Error) => log(`scheduler failed to start: ${error.message}`));
      },
      onStoppedLeading: () => void end(),
      log,
    });
  } else {
    starting = begin();
    await starting;
  }

  let stopped = false;
  return {
    name: "scheduler",
    ready: Promise.resolve(),
    done: done.promise,
    current: () => running?.scheduler,
    async stop() {
      if (stopped) return;
      stopped = true;
      await end();
      await elector?.stop();
      done.resolve();
    },
  };
}
