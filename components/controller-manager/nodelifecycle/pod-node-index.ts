// Pods by the node they are bound to (upstream's pod informer "spec.nodeName" indexer), kept
// from the shared pod informer's events so a node's pods are found without scanning every pod.

import type { Pod } from "kubernetes-types/core/v1";
import { type Informer, objectKey } from "../../../lib/informer/informer.ts";

export class PodNodeIndex {
  private readonly byNode = new Map<string, Set<string>>();
  private readonly nodeOf = new Map<string, string>();

  constructor(private readonly informer: Informer<Pod>) {}

  /** Starts following the informer; `then` also sees every event (after the index is updated). */
  attach(
    then: { onAdd?(pod: Pod): void; onUpdate?(old: Pod, pod: Pod): void; onDelete?(pod: Pod): void } = {},
  ) {
    this.informer.addHandlers({
      onAdd: (pod) => {
        this.set(pod);
        then.onAdd?.(pod);
      },
      onUpdate: (old, pod) => {
        this.set(pod);
        then.onUpdate?.(old, pod);
      },
      onDelete: (pod) => {
        this.remove(objectKey(pod));
        then.onDelete?.(pod);
      },
    });
  }

  private set(pod: Pod): void {
    const key = objectKey(pod);
    const node = pod.spec?.nodeName ?? "";
    const old = this.nodeOf.get(key);
    if (old === node) return;
    if (old !== undefined) this.remove(key);
    if (!node) return;
    this.nodeOf.set(key, node);
    let keys = this.byNode.get(node);
    if (!keys) {
      keys = new Set();
      this.byNode.set(node, keys);
    }
    keys.add(key);
  }

  private remove(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const keys = this.byNode.get(node);
    keys?.delete(key);
    if (keys?.size === 0) this.byNode.delete(node);
  }

  /** Keys ("namespace/name") of the pods bound to `node`. */
  keys(node: string): string[] {
    return [...(this.byNode.get(node) ?? [])];
  }

  /** The pods bound to `node`, from the informer's store. */
  pods(node: string): Pod[] {
    return this.keys(node)
      .map((key) => this.informer.get(key))
      .filter((pod): pod is Pod => pod !== undefined);
  }
}
