// The statefulset controller (upstream pkg/controller/statefulset/stateful_set.go): informer
// handlers enqueue the set a pod or revision belongs to (or, for an orphan pod, every set
// whose selector matches it); workers run sync(key) from stateful-set-sync.ts.

import type { ControllerRevision, StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { objectKey } from "../../../lib/informer/informer.ts";
import { fromLabelSelector, matches } from "../../../lib/labels/selector.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { controllerOf, type Ownable } from "../common/controller-ref.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { createStatefulSetSync } from "./stateful-set-sync.ts";

/** A running controller; sync: syncs one set now ("namespace/name"), as a worker would. */
export type StatefulSetController = SyncingController;

export function startStatefulSetController(context: ControllerContext): StatefulSetController {
  const sets = context.informers.for<StatefulSet>("/apis/apps/v1/statefulsets");
  const pods = context.informers.for<Pod>("/api/v1/pods");
  const revisions = context.informers.for<ControllerRevision>("/apis/apps/v1/controllerrevisions");
  const queue = new WorkQueue();

  const enqueueOwner = (object: Ownable): void => {
    const ref = controllerOf(object);
    const ns = object.metadata?.namespace;
    if (ref) {
      if (ref.kind === "StatefulSet") queue.add(`${ns}/${ref.name}`);
      return;
    }
    // An orphan: every set that would adopt it.
    for (const set of sets.listNamespace(ns ?? "")) {
      const selector = fromLabelSelector(set.spec?.selector);
      if (selector?.length && matches(selector, object.metadata?.labels)) queue.add(objectKey(set));
    }
  };

  sets.addHandlers({
    onAdd: (set) => queue.add(objectKey(set)),
    onUpdate: (_old, set) => queue.add(objectKey(set)),
    onDelete: (set) => queue.add(objectKey(set)),
  });
  for (const informer of [pods, revisions] as const) {
    (informer as typeof pods).addHandlers({
      onAdd: enqueueOwner,
      onUpdate: (old, pod) => {
        enqueueOwner(pod);
        const oldRef = controllerOf(old);
        if (oldRef && oldRef.uid !== controllerOf(pod)?.uid) enqueueOwner(old);
      },
      onDelete: enqueueOwner,
    });
  }

  const sync = createStatefulSetSync({
    client: context.client,
    sets,
    pods,
    revisions,
    recorder: context.recorder("statefulset-controller"),
    log: context.log,
    now: context.now,
  });
  return runController(context, {
    queue,
    sync,
    synced: [sets.synced, pods.synced, revisions.synced],
  });
}

export const statefulSetController: ControllerDescriptor = {
  name: "statefulset",
  start: startStatefulSetController,
};
