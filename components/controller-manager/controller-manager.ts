// `kube controller-manager` as a Component (upstream cmd/kube-controller-manager): with
// --leader-elect it takes the kube-system/kube-controller-manager Lease first, then starts the
// selected controllers over shared informers; losing the lease stops them.

import { hostname } from "node:os";
import type { ApiClient } from "../../lib/client/api-client.ts";
import { type Clock, realClock } from "../../lib/clock/clock.ts";
import type { Component } from "../../lib/component.ts";
import { createEventRecorder } from "../../lib/events/event-recorder.ts";
import { InformerFactory } from "../../lib/informer/informer-factory.ts";
import {
  type LeaderElectionTimings,
  type LeaderElector,
  startLeaderElection,
} from "../../lib/leaderelection/leader-election.ts";
import type { ControllerDescriptor, ControllerOptions, RunningController } from "./controller.ts";

export interface ControllerManagerOptions {
  client: ApiClient;
  controllers: ControllerDescriptor[];
  leaderElect: boolean;
  /** Leader-election timings (flags; tests shorten them). */
  leaderElection?: LeaderElectionTimings;
  options: ControllerOptions;
  log(line: string): void;
  /** Defaults to the real clock. */
  clock?: Clock;
}

export async function startControllerManager(options: ControllerManagerOptions): Promise<Component> {
  const { client, log } = options;
  const clock = options.clock ?? realClock;
  const now = () => new Date(clock.now());
  const done = Promise.withResolvers<void>();
  let informers: InformerFactory | undefined;
  let running: RunningController[] = [];

  const startControllers = async (): Promise<void> => {
    informers = new InformerFactory(client, log);
    const context = {
      client,
      informers,
      recorder: (component: string) => createEventRecorder({ client, component, log, now }),
      options: options.options,
      log,
      clock,
      now,
    };
    for (const descriptor of options.controllers) {
      try {
        running.push(
          await descriptor.start({ ...context, log: (line) => log(`${descriptor.name}: ${line}`) }),
        );
      } catch (error) {
        log(`controller ${descriptor.name} failed to start: ${(error as Error).message}`);
      }
    }
    log(`started ${running.length} controllers: ${options.controllers.map((c) => c.name).join(", ")}`);
  };

  const stopControllers = async (): Promise<void> => {
    const stopping = running;
    running = [];
    await Promise.all(stopping.map((c) => c.stop()));
    await informers?.stop();
    informers = undefined;
  };

  let elector: LeaderElector | undefined;
  if (options.leaderElect) {
    elector = startLeaderElection({
      client,
      namespace: "kube-system",
      name: "kube-controller-manager",
      identity: `${hostname()}_${crypto.randomUUID()}`,
      ...options.leaderElection,
      onStartedLeading: () => void startControllers(),
      onStoppedLeading: () => void stopControllers(),
      log,
      now,
    });
  } else {
    await startControllers();
  }

  return {
    name: "controller-manager",
    ready: Promise.resolve(),
    done: done.promise,
    async stop() {
      await elector?.stop();
      await stopControllers();
      done.resolve();
    },
  };
}
