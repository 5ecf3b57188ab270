// The daemonset controller (upstream pkg/controller/daemon/daemon_controller.go): informer
// handlers enqueue the owning DaemonSet of a pod or revision (every matching one for an
// orphan), every DaemonSet when a node appears or changes, and record observed creations and
// deletions against expectations; workers run sync(key) from daemon-set-sync.ts.

import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { objectKey } from "../../../lib/informer/informer.ts";
import { fromLabelSelector, matches } from "../../../lib/labels/selector.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { ControllerExpectations } from "../common/controller-expectations.ts";
import { controllerKey, controllerOf, type Ownable } from "../common/controller-ref.ts";
import { ownerHandlers, podExpectationHandlers } from "../common/expectation-handlers.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { createDaemonSetSync } from "./daemon-set-sync.ts";

export type DaemonSetController = SyncingController;

export function startDaemonSetController(context: ControllerContext): DaemonSetController {
  const daemonSets = context.informers.for<DaemonSet>("/apis/apps/v1/daemonsets");
  const pods = context.informers.for<Pod>("/api/v1/pods");
  const nodes = context.informers.for<Node>("/api/v1/nodes");
  const revisions = context.informers.for<ControllerRevision>("/apis/apps/v1/controllerrevisions");
  const queue = new WorkQueue();
  const expectations = new ControllerExpectations();

  /** The DaemonSet key controlling `object`, or undefined. */
  const ownerKey = (object: Ownable): string | undefined => controllerKey(object, "DaemonSet");
  const enqueueFor = (object: Ownable): void => {
    const key = ownerKey(object);
    if (key) {
      queue.add(key);
      return;
    }
    if (controllerOf(object)) return;
    for (const ds of daemonSets.listNamespace(object.metadata?.namespace ?? "")) {
      const selector = fromLabelSelector(ds.spec?.selector);
      if (selector?.length && matches(selector, object.metadata?.labels)) queue.add(objectKey(ds));
    }
  };
  const enqueueAll = (): void => {
    for (const ds of daemonSets.list()) queue.add(objectKey(ds));
  };

  daemonSets.addHandlers(ownerHandlers(queue, expectations));
  pods.addHandlers(podExpectationHandlers(expectations, ownerKey));
  pods.addHandlers({
    onAdd: enqueueFor,
    onUpdate: (old, pod) => {
      enqueueFor(pod);
      if (ownerKey(old) !== ownerKey(pod)) enqueueFor(old);
    },
    onDelete: enqueueFor,
  });
  revisions.addHandlers({ onAdd: enqueueFor, onUpdate: (_o, r) => enqueueFor(r), onDelete: enqueueFor });
  nodes.addHandlers({
    onAdd: enqueueAll,
    onUpdate: (old, node) => {
      const changed =
        JSON.stringify(old.metadata?.labels) !== JSON.stringify(node.metadata?.labels) ||
        JSON.stringify(old.spec?.taints) !== JSON.stringify(node.spec?.taints) ||
        old.spec?.unschedulable !== node.spec?.unschedulable;
      if (changed) enqueueAll();
    },
    onDelete: enqueueAll,
  });

  const sync = createDaemonSetSync({
    client: context.client,
    daemonSets,
    pods,
    nodes,
    revisions,
    expectations,
    recorder: context.recorder("daemonset-controller"),
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    log: context.log,
    now: context.now,
  });
  return runController(context, {
    queue,
    sync,
    synced: [daemonSets.synced, pods.synced, nodes.synced, revisions.synced],
  });
}

export const daemonSetController: ControllerDescriptor = {
  name: "daemonset",
  start: startDaemonSetController,
};
