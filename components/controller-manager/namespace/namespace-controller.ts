// The namespace controller (upstream pkg/controller/namespace/namespace_controller.go): a
// namespace with a deletionTimestamp is queued; sync empties and finalizes it, and content still
// going away requeues it after estimate/2+1 s, or sooner when a pod of a terminating namespace goes.

import type { Namespace, Pod } from "kubernetes-types/core/v1";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { NamespacedResourcesDeleter, ResourcesRemainingError } from "./namespaced-resources-deleter.ts";

/** A running controller; sync: one pass for a namespace name (what the workers run). */
export type NamespaceController = SyncingController;

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

  const sync = async (name: string): Promise<void> => {
    const started = context.clock.now();
    try {
      await deleter.delete(name);
    } catch (error) {
      if (!(error instanceof ResourcesRemainingError)) throw error;
      queue.addAfter(name, (Math.floor(error.estimate / 2) + 1) * 1000);
    } finally {
      log(`finished syncing namespace "${name}" (${context.clock.now() - started} ms)`);
    }
  };
  return runController(context, {
    queue,
    sync,
    synced: [namespaces.synced],
  });
}

export const namespaceController: ControllerDescriptor = {
  name: "namespace",
  start: (context) => startNamespaceController(context),
};
