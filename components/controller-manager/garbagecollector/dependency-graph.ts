// The garbage collector's graph of ownerReferences (upstream pkg/controller/garbagecollector
// graph.go and graph_builder.go processGraphChanges): one node per object uid, edges from owner to
// dependents; owners referenced but not yet observed are "virtual" nodes to be verified.

import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";

export const ORPHAN_FINALIZER = "orphan";
export const FOREGROUND_FINALIZER = "foregroundDeletion";

export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  /** Unset for cluster-scoped objects (for a virtual node: the dependent's namespace). */
  namespace?: string;
  name: string;
  uid: string;
}

export interface GraphNode {
  identity: ObjectIdentity;
  owners: OwnerReference[];
  dependents: Set<GraphNode>;
  /** False for a virtual node: known only from a dependent's ownerReference. */
  observed: boolean;
  beingDeleted: boolean;
  /** Being deleted in the foreground: waits for its blocking dependents. */
  deletingDependents: boolean;
}

export interface GraphQueues {
  /** The node should be checked by attemptToDeleteItem. */
  attemptToDelete(node: GraphNode): void;
  /** The node is being deleted with the orphan finalizer. */
  attemptToOrphan(node: GraphNode): void;
}

export function describe(identity: ObjectIdentity): string {
  const ns = identity.namespace ? `${identity.namespace}/` : "";
  return `${identity.kind} ${ns}${identity.name} (${identity.uid})`;
}

/** The dependents whose reference to `owner` has blockOwnerDeletion (upstream blockingDependents). */
export function blockingDependents(owner: GraphNode): GraphNode[] {
  return [...owner.dependents].filter((d) =>
    d.owners.some((ref) => ref.uid === owner.identity.uid && ref.blockOwnerDeletion === true),
  );
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();

  constructor(private readonly queues: GraphQueues) {}

  get size(): number {
    return this.nodes.size;
  }

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** An add or update seen by an informer. */
  observe(identity: ObjectIdentity, meta: ObjectMeta): void {
    const owners = meta.ownerReferences ?? [];
    let node = this.nodes.get(identity.uid);
    if (!node) {
      node = {
        identity,
        owners,
        dependents: new Set(),
        observed: true,
        beingDeleted: false,
        deletingDependents: false,
      };
      this.nodes.set(identity.uid, node);
      for (const ref of owners) this.addToOwner(node, ref);
    } else {
      if (!node.observed) {
        node.observed = true;
        node.identity = identity;
      }
      this.updateOwners(node, owners);
    }
    const finalizers = meta.finalizers ?? [];
    node.beingDeleted = Boolean(meta.deletionTimestamp);
    if (node.beingDeleted && finalizers.includes(ORPHAN_FINALIZER)) this.queues.attemptToOrphan(node);
    if (node.beingDeleted && finalizers.includes(FOREGROUND_FINALIZER)) {
      if (!node.deletingDependents) {
        node.deletingDependents = true;
        for (const dependent of node.dependents) this.queues.attemptToDelete(dependent);
      }
      this.queues.attemptToDelete(node);
    } else {
      node.deletingDependents = false;
    }
  }

  /**
   * The object is gone (an informer's DELETE, or a virtual node found absent): its dependents are
   * checked again, and owners waiting on it in the foreground are checked too.
   */
  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.nodes.delete(uid);
    for (const ref of node.owners) this.detachFromOwner(node, ref.uid);
    for (const dependent of node.dependents) this.queues.attemptToDelete(dependent);
    return node;
  }

  private updateOwners(node: GraphNode, owners: OwnerReference[]): void {
    const before = new Map(node.owners.map((ref) => [ref.uid, ref]));
    const after = new Map(owners.map((ref) => [ref.uid, ref]));
    node.owners = owners;
    for (const [uid, ref] of before) {
      if (!after.has(uid)) this.detachFromOwner(node, uid);
      else if (ref.blockOwnerDeletion && !after.get(uid)?.blockOwnerDeletion) {
        const owner = this.nodes.get(uid);
        if (owner?.deletingDependents) this.queues.attemptToDelete(owner);
      }
    }
    for (const [uid, ref] of after) if (!before.has(uid)) this.addToOwner(node, ref);
  }

  private addToOwner(node: GraphNode, ref: OwnerReference): void {
    let owner = this.nodes.get(ref.uid);
    if (!owner) {
      owner = {
        identity: {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          namespace: node.identity.namespace,
          name: ref.name,
          uid: ref.uid,
        },
        owners: [],
        dependents: new Set(),
        observed: false,
        beingDeleted: false,
        deletingDependents: false,
      };
      this.nodes.set(ref.uid, owner);
      // Verify the owner exists: if not, the virtual node is removed and its dependents collected.
      this.queues.attemptToDelete(owner);
    }
    owner.dependents.add(node);
  }

  private detachFromOwner(node: GraphNode, ownerUid: string): void {
    const owner = this.nodes.get(ownerUid);
    if (!owner) return;
    owner.dependents.delete(node);
    if (!owner.observed && owner.dependents.size === 0) this.nodes.delete(ownerUid);
    else if (owner.deletingDependents) this.queues.attemptToDelete(owner);
  }
}
