// Pods nominated to a node by preemption (upstream queue's nominator): while the victims
// terminate, the space they free is kept for the nominated pod — other pods of lower or equal
// priority are filtered as if it were already there.

import type { PodInfo } from "./pod-info.ts";
import type { Nominations } from "./scheduling-algorithm.ts";

export class Nominator implements Nominations {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOf = new Map<string, string>();

  any(): boolean {
    return this.nodeOf.size > 0;
  }

  nominatedTo(nodeName: string): PodInfo[] | undefined {
    const pods = this.byNode.get(nodeName);
    return pods?.size ? [...pods.values()] : undefined;
  }

  /** Records (or moves, or with no node clears) the nomination of a pending pod. */
  set(info: PodInfo, nodeName: string | undefined): void {
    this.remove(info.key);
    if (!nodeName) return;
    let pods = this.byNode.get(nodeName);
    if (!pods) {
      pods = new Map();
      this.byNode.set(nodeName, pods);
    }
    pods.set(info.key, info);
    this.nodeOf.set(info.key, nodeName);
  }

  remove(key: string): void {
    const nodeName = this.nodeOf.get(key);
    if (nodeName === undefined) return;
    this.nodeOf.delete(key);
    const pods = this.byNode.get(nodeName);
    pods?.delete(key);
    if (pods?.size === 0) this.byNode.delete(nodeName);
  }
}
