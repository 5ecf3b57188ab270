// The daemonset controller (upstream pkg/controller/daemon/daemon_controller.go): informer
// handlers enqueue the owning DaemonSet of a pod or revision (every matching one for an
// orphan), every DaemonSet when a node appears or changes, and record observed creations and
// deletions against expectations; workers run sync(key) from daemon-set-sync.ts.

import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { objectKey } from "../../../lib/informer/informer.ts";
import { fromLabelSelector, matches } from "../../../lib/labels/selector.ts";
import { runWorkers, WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import type { ControllerContext, ControllerDescriptor, RunningController } from "../controller.ts";
import { controllerOf, type Ownable } from "../statefulset/controller-ref.ts";
import { ControllerExpectations } from "./controller-expectations.ts";
import { createDaemonSetSync } from "./daemon-set-sync.ts";

export interface DaemonSetController extends RunningController {
  sync(key: string): Promise<void>;
}

export async function startDaemonSetController(context: ControllerContext): Promise<DaemonSetController> {
  const daemonSets = context.informers.for<DaemonSet>("/apis/apps/v1/daemonsets");
  const pods = context.informers.for<Pod>("/api/v1/pods");
  const nodes = context.informers.for<Node>("/api/v1/nodes");
  const revisions = context.informers.for<ControllerRevision>("/apis/apps/v1/controllerrevisions");
  const queue = new WorkQueue();
  const expectations = new ControllerExpectations();

  /** The DaemonSet key controlling `object`, or undefined. */
  const ownerKey = (object: Ownable): string | undefined => {
    const ref = controllerOf(object);
    return ref?.kind === "DaemonSet" ? `${object.metadata?.namespace}/${ref.name}` : undefined;
  };
  const enqueueFor = (object: Ownable): void => {
    const key = ownerKey(object);
    if (key) {
      queue.add(key);
      return;
    }
    if (controllerOf(object)) return;
    for (const ds of daemonSets.list()) {
      if (ds.metadata?.namespace !== object.metadata?.namespace) continue;
      const selector = fromLabelSelector(ds.spec?.selector);
      if (selector?.length && matches(selector, object.metadata?.labels)) queue.add(objectKey(ds));
    }
  };
  const enqueueAll = (): void => {
    for (const ds of daemonSets.list()) queue.add(objectKey(ds));
  };

  daemonSets.addHandlers({
    onAdd: (ds) => queue.add(objectKey(ds)),
    onUpdate: (_old, ds) => queue.add(objectKey(ds)),
    onDelete: (ds) => {
      expectations.delete(objectKey(ds));
      queue.add(objectKey(ds));
    },
  });
  pods.addHandlers({
    onAdd: (pod) => {
      const key = ownerKey(pod);
      if (key) expectations.creationObserved(key);
      if (pod.metadata?.deletionTimestamp && key) expectations.deletionObserved(key);
      enqueueFor(pod);
    },
    onUpdate: (old, pod) => {
      const key = ownerKey(pod);
      if (key && !old.metadata?.deletionTimestamp && pod.metadata?.deletionTimestamp) {
        expectations.deletionObserved(key);
      }
      enqueueFor(pod);
      if (ownerKey(old) !== key) enqueueFor(old);
    },
    onDelete: (pod) => {
      const key = ownerKey(pod);
      // A pod deleted without a graceful phase was not counted when its deletionTimestamp appeared.
      if (key && !pod.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      enqueueFor(pod);
    },
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
  await Promise.all([daemonSets.synced, pods.synced, nodes.synced, revisions.synced]);
  const workers = runWorkers(queue, context.options.workers, sync, context.log);
  return {
    sync,
    async stop() {
      queue.shutDown();
      await workers;
    },
  };
}

export const daemonSetController: ControllerDescriptor = {
  name: "daemonset",
  start: startDaemonSetController,
};
