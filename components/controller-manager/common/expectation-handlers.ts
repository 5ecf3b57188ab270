// Informer handlers that keep counted expectations in step with the cache (upstream daemon and
// job controllers' add/update/delete handlers): an owner's deletion drops its expectations; a
// pod seen added is a creation observed (and a deletion, when it arrives already terminating);
// a pod that starts terminating, or is removed without terminating first, is a deletion observed.

import type { Pod } from "kubernetes-types/core/v1";
import { type InformerHandlers, type ObjectMeta, objectKey } from "../../../lib/informer/informer.ts";
import type { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import type { ControllerExpectations } from "./controller-expectations.ts";

/** The owner informer's handlers: queue the owner on every event; forget its expectations when it goes. */
export function ownerHandlers(
  queue: WorkQueue,
  expectations: ControllerExpectations,
): InformerHandlers<ObjectMeta> {
  return {
    onAdd: (owner) => queue.add(objectKey(owner)),
    onUpdate: (_old, owner) => queue.add(objectKey(owner)),
    onDelete: (owner) => {
      expectations.delete(objectKey(owner));
      queue.add(objectKey(owner));
    },
  };
}

/** The pod informer's handlers lowering the expectations of the pod's owner (`ownerKey`). */
export function podExpectationHandlers(
  expectations: ControllerExpectations,
  ownerKey: (pod: Pod) => string | undefined,
): InformerHandlers<Pod> {
  return {
    onAdd: (pod) => {
      const key = ownerKey(pod);
      if (!key) return;
      expectations.creationObserved(key);
      if (pod.metadata?.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
    },
    onUpdate: (old, pod) => {
      const key = ownerKey(pod);
      if (key && !old.metadata?.deletionTimestamp && pod.metadata?.deletionTimestamp)
        expectations.deletionObserved(key, objectKey(pod));
    },
    onDelete: (pod) => {
      const key = ownerKey(pod);
      // A pod removed without a graceful phase was not counted when its deletionTimestamp appeared.
      if (key && !pod.metadata?.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
    },
  };
}
