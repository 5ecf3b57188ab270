// Rootless kube's outer process keeps the host's forwards in line with the cluster's Services:
// an informer on /api/v1/services (through the forwarded API port, as the admin) and, on each
// change, slirp4netns forwards added and removed so exactly the wanted NodePorts and
// LoadBalancer ports answer on the host's 127.0.0.1 (k3s rootless's port driver, dynamic).

import type { Service } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../lib/client/api-client.ts";
import { Informer } from "../../lib/informer/informer.ts";
import { type Forward, forwardKey, serviceForwards } from "./service-forwards.ts";
import { SLIRP_GUEST_ADDRESS, type SlirpNetwork } from "./slirp-network.ts";

export interface ServiceForwarder {
  /** Resolves after the first list's forwards were made. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

export function startServiceForwarder(options: {
  client: ApiClient;
  network: SlirpNetwork;
  unprivilegedStart: number;
  log: (line: string) => void;
}): ServiceForwarder {
  const { network, log } = options;
  const active = new Map<string, { forward: Forward; id: number }>();
  /** Host ports that failed (in use on the host): said once until the Service changes. */
  const failed = new Map<string, string>();
  let stopped = false;
  let syncing: Promise<void> = Promise.resolve();

  const sameTarget = (a: Forward, b: Forward): boolean =>
    a.guestAddress === b.guestAddress && a.guestPort === b.guestPort;

  const sync = async (): Promise<void> => {
    if (stopped) return;
    const wanted = new Map(
      serviceForwards(informer.list(), SLIRP_GUEST_ADDRESS, options.unprivilegedStart).map((f) => [
        forwardKey(f),
        f,
      ]),
    );
    for (const [key, entry] of active) {
      const want = wanted.get(key);
      if (want && sameTarget(want, entry.forward)) continue;
      active.delete(key);
      await network.removeForward(entry.id).catch(() => undefined);
    }
    for (const key of failed.keys()) if (!wanted.has(key)) failed.delete(key);
    for (const [key, forward] of wanted) {
      if (active.has(key) || failed.get(key) === forward.service) continue;
      try {
        const id = await network.addForward(
          forward.proto,
          forward.hostPort,
          forward.guestAddress,
          forward.guestPort,
        );
        active.set(key, { forward, id });
        failed.delete(key);
      } catch (error) {
        failed.set(key, forward.service);
        log(
          `cannot forward ${forward.proto} 127.0.0.1:${forward.hostPort} for Service ${forward.service} (${
            (error as Error).message
          }): is the port in use on the host?`,
        );
      }
    }
  };
  const schedule = (): void => {
    syncing = syncing.then(sync, sync);
  };

  const informer = new Informer<Service>({
    client: options.client,
    path: "/api/v1/services",
    onAdd: schedule,
    onUpdate: schedule,
    onDelete: schedule,
  });
  informer.start();
  return {
    synced: informer.synced.then(() => syncing),
    async stop() {
      stopped = true;
      informer.stop();
      await syncing.catch(() => undefined);
      for (const { id } of active.values()) await network.removeForward(id).catch(() => undefined);
      active.clear();
    },
  };
}
