// Informer events into the scheduler (upstream pkg/scheduler/eventhandlers.go): bound pods go to
// the cache, pending pods of this scheduler to the queue, and events that can make a waiting
// pod fit (a node added or changed, a bound pod deleted or relabelled) move the queue.

import type { Node, Pod } from "kubernetes-types/core/v1";
import type { InformerHandlers } from "../../lib/informer/informer.ts";
import { newPodInfo } from "./pod-info.ts";
import type { Scheduler } from "./scheduler.ts";

/** Plugins a change to bound pods can satisfy (upstream's cluster-event registrations). */
const ASSIGNED_POD_DELETE = new Set([
  "NodeResourcesFit",
  "NodePorts",
  "InterPodAffinity",
  "PodTopologySpread",
]);
const ASSIGNED_POD_ADD = new Set(["InterPodAffinity", "PodTopologySpread"]);

const isTerminal = (pod: Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
const keyOf = (pod: Pod) => `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;
const json = (value: unknown) => JSON.stringify(value ?? null);

/** Whether two label maps hold the same pairs (every bound pod's status update asks this). */
function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b?.[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

export function podEventHandlers(s: Scheduler): InformerHandlers<Pod> {
  const pending = (pod: Pod) => {
    if (!s.responsibleFor(pod)) return;
    const info = newPodInfo(pod);
    s.nominator.set(info, pod.status?.nominatedNodeName);
    return info;
  };
  const removeBound = (key: string) => {
    if (s.cache.nodeOf(key) === undefined) return;
    s.cache.removePod(key);
    s.queue.moveAllToActiveOrBackoff(ASSIGNED_POD_DELETE);
  };
  return {
    onAdd(pod) {
      if (isTerminal(pod)) return;
      if (pod.spec?.nodeName) {
        s.cache.addPod(pod);
        s.queue.moveAllToActiveOrBackoff(ASSIGNED_POD_ADD);
        return;
      }
      const info = pending(pod);
      if (info) s.queue.add(info);
    },
    onUpdate(old, pod) {
      const key = keyOf(pod);
      if (isTerminal(pod)) {
        removeBound(key);
        s.queue.delete(key);
        s.nominator.remove(key);
        return;
      }
      if (pod.spec?.nodeName) {
        if (!old.spec?.nodeName) {
          s.queue.delete(key);
          s.nominator.remove(key);
        }
        s.cache.addPod(pod);
        if (!sameLabels(old.metadata?.labels, pod.metadata?.labels))
          s.queue.moveAllToActiveOrBackoff(ASSIGNED_POD_ADD);
        return;
      }
      const info = pending(pod);
      if (!info) return;
      const relevant =
        !sameLabels(old.metadata?.labels, pod.metadata?.labels) || json(old.spec) !== json(pod.spec);
      s.queue.update(info, relevant);
    },
    onDelete(pod) {
      const key = keyOf(pod);
      removeBound(key);
      s.queue.delete(key);
      s.nominator.remove(key);
    },
  };
}

function schedulingRelevant(old: Node, node: Node): boolean {
  return (
    !sameLabels(old.metadata?.labels, node.metadata?.labels) ||
    json(old.spec?.taints) !== json(node.spec?.taints) ||
    old.spec?.unschedulable !== node.spec?.unschedulable ||
    json(old.status?.allocatable) !== json(node.status?.allocatable)
  );
}

export function nodeEventHandlers(s: Scheduler): InformerHandlers<Node> {
  return {
    onAdd(node) {
      s.cache.addNode(node);
      s.queue.moveAllToActiveOrBackoff();
    },
    onUpdate(old, node) {
      s.cache.addNode(node);
      if (schedulingRelevant(old, node)) s.queue.moveAllToActiveOrBackoff();
    },
    onDelete(node) {
      s.cache.removeNode(node.metadata?.name ?? "");
    },
  };
}
