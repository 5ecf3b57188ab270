// The namespace controller (upstream pkg/controller/namespace/namespace_controller.go): a
// namespace with a deletionTimestamp is queued; sync empties and finalizes it, and content still
// going away requeues it after estimate/2+1 s, or sooner when a pod of a terminating namespace goes.

import type { Namespace, Pod } from "kubernetes-types/core/v1";
import { runWorkers, WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import type { ControllerContext, ControllerDescriptor, RunningController } from "../controller.ts";
import { NamespacedResourcesDeleter, ResourcesRemainingError } from "./namespaced-resources-deleter.ts";

export interface NamespaceController extends RunningController {
  /** One pass for a namespace name (what the workers run). */
  sync(name: string): Promise<void>;
}

export function startNamespaceController(context: ControllerContext): NamespaceController {
  const { log } = context;
  const queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  const deleter = new NamespacedResourcesDeleter({ client: context.client, now: context.now, log });
  const namespaces = context.informers.for<Namespace>("/api/v1/namespaces");
  const enqueue = (ns: Namespace): void => {
    if (ns.metadata?.deletionTimestamp && ns.metadata.name) queue.add(ns.metadata.name);
  };
  namespaces.addHandlers({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
  // Upstream waits out the pods' grace period; a pod that is gone early lets the namespace go early.
  context.informers.for<Pod>("/api/v1/pods").addHandlers({
    onDelete: (pod) => {
      const ns = namespaces.get(pod.metadata?.namespace ?? "");
      if (ns) enqueue(ns);
    },
  });

  // client-go's AddAfter keeps the earliest deadline of a key; WorkQueue.addAfter keeps the first
  // call's, so a shorter estimate (pods gone, finalizers left) would wait out a longer one.
  const timers = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  const requeueAfter = (name: string, ms: number): void => {
    const at = Date.now() + ms;
    const pending = timers.get(name);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      timers.delete(name);
      queue.add(name);
    }, ms);
    timers.set(name, { at, timer });
  };

  const sync = async (name: string): Promise<void> => {
    const started = Date.now();
    try {
      await deleter.delete(name);
    } catch (error) {
      if (!(error instanceof ResourcesRemainingError)) throw error;
      requeueAfter(name, (Math.floor(error.estimate / 2) + 1) * 1000);
    } finally {
      log(`finished syncing namespace "${name}" (${Date.now() - started} ms)`);
    }
  };
  const workers = runWorkers(queue, context.options.workers, sync, log);

  return {
    sync,
    async stop() {
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      queue.shutDown();
      await workers;
    },
  };
}

export const namespaceController: ControllerDescriptor = {
  name: "namespace",
  start: (context) => startNamespaceController(context),
};
