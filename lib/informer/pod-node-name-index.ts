// Pods by the node they are bound to (upstream pkg/controller AddPodNodeNameIndexer and its
// "spec.nodeName" index): added once to the shared pod informer by whichever controller needs it.

import type { Informer, ObjectMeta } from "./informer.ts";

export const POD_NODE_NAME_INDEX = "spec.nodeName";

interface Bound extends ObjectMeta {
  spec?: { nodeName?: string };
}

/** Adds the node-name index to a pod informer unless it is there already. */
export function addPodNodeNameIndexer<T extends Bound>(pods: Informer<T>): void {
  if (pods.hasIndex(POD_NODE_NAME_INDEX)) return;
  pods.addIndexers({ [POD_NODE_NAME_INDEX]: (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []) });
}
