// The scheduler's view of where pods are (upstream pkg/scheduler/backend/cache): a NodeInfo per
// node with the pods bound to it, plus "assumed" pods — placed by this scheduler, their binding
// not yet observed — so the next cycle already counts them. The informers confirm or remove.

import type { Node, Pod } from "kubernetes-types/core/v1";
import { NodeInfo } from "./node-info.ts";
import type { ClusterView } from "./plugin.ts";
import { newPodInfo, type PodInfo } from "./pod-info.ts";

export class SchedulerCache implements ClusterView {
  private readonly byName = new Map<string, NodeInfo>();
  private list: NodeInfo[] | undefined;
  /** Pod key → the node it is counted on. */
  private readonly podNode = new Map<string, string>();
  private readonly assumed = new Set<string>();
  private affinityPods = 0;
  private requiredAntiAffinityPods = 0;

  nodes(): NodeInfo[] {
    this.list ??= [...this.byName.values()].filter((n) => n.node !== undefined);
    return this.list;
  }

  nodeCount(): number {
    return this.nodes().length;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    const info = this.byName.get(name);
    return info?.node ? info : undefined;
  }

  podsWithAffinity(): number {
    return this.affinityPods;
  }

  podsWithRequiredAntiAffinity(): number {
    return this.requiredAntiAffinityPods;
  }

  addNode(node: Node): void {
    const name = node.metadata?.name ?? "";
    const info = this.byName.get(name);
    // A known node's update (a heartbeat, every node every few seconds) keeps the node list.
    const known = info?.node !== undefined;
    if (info) info.setNode(node);
    else this.byName.set(name, new NodeInfo(name, node));
    if (!known) this.list = undefined;
  }

  removeNode(name: string): void {
    const info = this.byName.get(name);
    if (!info) return;
    // Pods still bound to a deleted node stay counted until their own deletion arrives.
    if (info.pods.size) info.node = undefined;
    else this.byName.delete(name);
    this.list = undefined;
  }

  /** A bound pod seen by the informer (add or update); confirms an assumed pod. */
  addPod(pod: Pod): void {
    const meta = pod.metadata ?? {};
    const key = `${meta.namespace ?? "default"}/${meta.name ?? ""}`;
    const where = this.podNode.get(key);
    const info = newPodInfo(pod, where === undefined ? undefined : this.byName.get(where)?.pods.get(key));
    this.assumed.delete(info.key);
    this.place(info, pod.spec?.nodeName ?? "");
  }

  removePod(key: string): void {
    this.assumed.delete(key);
    this.unplace(key);
  }

  /** Counts `info` on `nodeName` before its binding is observed (upstream AssumePod). */
  assume(info: PodInfo, nodeName: string): void {
    const pod = { ...info.pod, spec: { ...info.pod.spec, nodeName } } as Pod;
    this.place({ ...info, pod }, nodeName);
    this.assumed.add(info.key);
  }

  /** Drops an assumed pod whose binding failed (upstream ForgetPod). */
  forget(key: string): void {
    if (!this.assumed.delete(key)) return;
    this.unplace(key);
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** Where a pod is counted, if anywhere. */
  nodeOf(key: string): string | undefined {
    return this.podNode.get(key);
  }

  private place(info: PodInfo, nodeName: string): void {
    this.unplace(info.key);
    let node = this.byName.get(nodeName);
    if (!node) {
      node = new NodeInfo(nodeName);
      this.byName.set(nodeName, node);
    }
    node.addPod(info);
    this.podNode.set(info.key, nodeName);
    if (node.podsWithAffinity.has(info)) this.affinityPods++;
    if (node.podsWithRequiredAntiAffinity.has(info)) this.requiredAntiAffinityPods++;
  }

  private unplace(key: string): void {
    const nodeName = this.podNode.get(key);
    if (nodeName === undefined) return;
    this.podNode.delete(key);
    const node = this.byName.get(nodeName);
    const info = node?.pods.get(key);
    if (!node || !info) return;
    if (node.podsWithAffinity.has(info)) this.affinityPods--;
    if (node.podsWithRequiredAntiAffinity.has(info)) this.requiredAntiAffinityPods--;
    node.removePod(key);
    if (!node.node && node.pods.size === 0) this.byName.delete(nodeName);
  }
}
