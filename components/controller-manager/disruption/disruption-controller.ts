// The disruption controller (upstream pkg/controller/disruption/disruption.go): keeps every
// PodDisruptionBudget's status (healthy, desired, expected pods, disruptions allowed). Informer
// handlers only enqueue: a PDB itself, or every PDB whose selector matches a changed pod.

import type { Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod, ReplicationController } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { objectKey } from "../../../lib/informer/informer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { createDisruptionSync, podsForPdb } from "./disruption-sync.ts";

/** A running controller; sync: syncs one PDB now ("namespace/name"), as a worker would. */
export type DisruptionController = SyncingController;

export function startDisruptionController(context: ControllerContext): DisruptionController {
  const pdbs = context.informers.for<PodDisruptionBudget>("/apis/policy/v1/poddisruptionbudgets");
  const pods = context.informers.for<Pod>("/api/v1/pods");
  const replicaSets = context.informers.for<ReplicaSet>("/apis/apps/v1/replicasets");
  const deployments = context.informers.for<Deployment>("/apis/apps/v1/deployments");
  const statefulSets = context.informers.for<StatefulSet>("/apis/apps/v1/statefulsets");
  const replicationControllers = context.informers.for<ReplicationController>(
    "/api/v1/replicationcontrollers",
  );
  const queue = new WorkQueue();

  const enqueueForPod = (pod: Pod): void => {
    for (const pdb of pdbs.listNamespace(pod.metadata?.namespace ?? "")) {
      if (podsForPdb([pod], pdb).length) queue.add(objectKey(pdb));
    }
  };
  pdbs.addHandlers({
    onAdd: (pdb) => queue.add(objectKey(pdb)),
    onUpdate: (_old, pdb) => queue.add(objectKey(pdb)),
    onDelete: (pdb) => queue.add(objectKey(pdb)),
  });
  pods.addHandlers({
    onAdd: enqueueForPod,
    onUpdate: (old, pod) => {
      enqueueForPod(pod);
      if (JSON.stringify(old.metadata?.labels) !== JSON.stringify(pod.metadata?.labels)) enqueueForPod(old);
    },
    onDelete: enqueueForPod,
  });

  const sync = createDisruptionSync({
    client: context.client,
    pdbs,
    pods,
    replicaSets,
    deployments,
    statefulSets,
    replicationControllers,
    recorder: context.recorder("controllermanager"),
    now: context.now,
    recheck: (key, ms) => queue.addAfter(key, ms),
  });
  return runController(context, {
    queue,
    sync,
    synced: [
      pdbs.synced,
      pods.synced,
      replicaSets.synced,
      deployments.synced,
      statefulSets.synced,
      replicationControllers.synced,
    ],
  });
}

export const disruptionController: ControllerDescriptor = {
  name: "disruption",
  start: startDisruptionController,
};
