// What the collector does for one node (upstream garbagecollector.go attemptToDeleteItem,
// processDeletingDependentsItem, orphanDependents): owners are checked live, not from the cache;
// a dependent whose owners are all gone is deleted with the propagation its own finalizers ask for.

import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import { type ApiClient, isStatus } from "../../../lib/client/api-client.ts";
import {
  blockingDependents,
  type DependencyGraph,
  describe,
  FOREGROUND_FINALIZER,
  type GraphNode,
  type ObjectIdentity,
  ORPHAN_FINALIZER,
} from "./dependency-graph.ts";
import type { RestMapper } from "./rest-mapper.ts";

interface Meta {
  metadata?: ObjectMeta;
}

export interface CollectorState {
  client: ApiClient;
  graph: DependencyGraph;
  mapper(): RestMapper;
  /** uids of owners known to be absent (upstream absentOwnerCache). */
  absentOwners: Set<string>;
  /** A kind discovery did not know: discover again (custom resources appear at run time). */
  unmapped(): void;
  /** Adds a node to the attemptToDelete queue again. */
  requeue(node: GraphNode): void;
  log(line: string): void;
}

/** Thrown when an item cannot be handled yet; the worker retries it with back-off. */
export class RetryLater extends Error {
  override name = "RetryLater";
}

function pathOf(state: CollectorState, identity: ObjectIdentity): string {
  const path = state.mapper().pathFor(identity);
  if (!path) {
    state.unmapped();
    throw new RetryLater(`unable to get REST mapping for ${identity.apiVersion}/${identity.kind}`);
  }
  return path;
}

async function getLive(state: CollectorState, identity: ObjectIdentity): Promise<Meta | undefined> {
  try {
    return await state.client.get<Meta>(pathOf(state, identity));
  } catch (error) {
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}

/** Deletes with a uid precondition; a missing or replaced object is not an error. */
async function deleteObject(state: CollectorState, identity: ObjectIdentity, policy: string): Promise<void> {
  try {
    await state.client.delete(pathOf(state, identity), { propagationPolicy: policy, uid: identity.uid });
    state.log(`deleted ${describe(identity)} (propagation ${policy})`);
  } catch (error) {
    if (isStatus(error, 404) || isStatus(error, 409)) return;
    throw error;
  }
}

/** Rewrites the object's ownerReferences, guarded by its resourceVersion. */
async function patchOwners(
  state: CollectorState,
  identity: ObjectIdentity,
  latest: Meta,
  owners: OwnerReference[],
): Promise<void> {
  try {
    await state.client.patch(pathOf(state, identity), {
      metadata: {
        ownerReferences: owners.length ? owners : null,
        resourceVersion: latest.metadata?.resourceVersion,
      },
    });
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }
}

/** Removes one finalizer from the live object (upstream removeFinalizer). */
export async function removeFinalizer(
  state: CollectorState,
  identity: ObjectIdentity,
  finalizer: string,
): Promise<void> {
  const latest = await getLive(state, identity);
  if (!latest || latest.metadata?.uid !== identity.uid) return;
  const finalizers = latest.metadata?.finalizers ?? [];
  if (!finalizers.includes(finalizer)) return;
  const rest = finalizers.filter((f) => f !== finalizer);
  try {
    await state.client.patch(pathOf(state, identity), {
      metadata: { finalizers: rest.length ? rest : null, resourceVersion: latest.metadata?.resourceVersion },
    });
    state.log(`removed finalizer ${finalizer} from ${describe(identity)}`);
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }
}

type OwnerState = "solid" | "dangling" | "waiting";

/** Looks an owner up live (upstream isDangling): absent, replaced, deleting in the foreground, or solid. */
async function classifyOwner(
  state: CollectorState,
  item: GraphNode,
  ref: OwnerReference,
): Promise<OwnerState> {
  if (state.absentOwners.has(ref.uid)) return "dangling";
  const identity = { ...ref, namespace: item.identity.namespace };
  const owner = await getLive(state, identity);
  if (!owner || owner.metadata?.uid !== ref.uid) {
    if (state.absentOwners.size > 10_000) state.absentOwners.clear();
    state.absentOwners.add(ref.uid);
    return "dangling";
  }
  const m = owner.metadata ?? {};
  if (m.deletionTimestamp && (m.finalizers ?? []).includes(FOREGROUND_FINALIZER)) return "waiting";
  return "solid";
}

export async function attemptToDeleteItem(state: CollectorState, uid: string): Promise<void> {
  const item = state.graph.get(uid);
  if (!item) return;
  const latest = await getLive(state, item.identity);
  if (!latest || latest.metadata?.uid !== item.identity.uid) {
    // Gone (or replaced by a namesake): drop the node; its dependents are checked again.
    state.graph.remove(uid);
    return;
  }
  if (!item.observed) {
    // A virtual node whose object exists: wait until its informer reports it.
    throw new RetryLater(`${describe(item.identity)} has not been observed by an informer yet`);
  }
  const m = latest.metadata ?? {};
  const finalizers = m.finalizers ?? [];
  if (m.deletionTimestamp && !finalizers.includes(FOREGROUND_FINALIZER)) return;
  if (item.deletingDependents || (m.deletionTimestamp && finalizers.includes(FOREGROUND_FINALIZER))) {
    await processDeletingDependents(state, item);
    return;
  }
  const refs = m.ownerReferences ?? [];
  if (refs.length === 0) return;
  const solid: OwnerReference[] = [];
  const gone = new Set<string>();
  let waiting = 0;
  for (const ref of refs) {
    const kind = await classifyOwner(state, item, ref);
    if (kind === "solid") solid.push(ref);
    else gone.add(ref.uid);
    if (kind === "waiting") waiting++;
  }
  if (solid.length > 0) {
    // A live owner keeps the item; references to absent or foreground-deleting owners go.
    if (gone.size > 0) await patchOwners(state, item.identity, latest, solid);
    return;
  }
  if (waiting > 0 && item.dependents.size > 0) {
    // An owner waits for us in the foreground and we have dependents: delete in the foreground
    // too. If a dependent of ours is itself deleting its dependents, unblock our owners first
    // so the two cannot wait on each other (upstream's circle breaker).
    if ([...item.dependents].some((d) => d.deletingDependents)) {
      await patchOwners(
        state,
        item.identity,
        latest,
        refs.map((ref) => ({ ...ref, blockOwnerDeletion: false })),
      );
    }
    await deleteObject(state, item.identity, "Foreground");
    return;
  }
  const policy = finalizers.includes(ORPHAN_FINALIZER)
    ? "Orphan"
    : finalizers.includes(FOREGROUND_FINALIZER)
      ? "Foreground"
      : "Background";
  await deleteObject(state, item.identity, policy);
}

/** An owner deleting in the foreground: done once no dependent blocks it. */
async function processDeletingDependents(state: CollectorState, item: GraphNode): Promise<void> {
  const blocking = blockingDependents(item);
  if (blocking.length === 0) {
    await removeFinalizer(state, item.identity, FOREGROUND_FINALIZER);
    return;
  }
  for (const dependent of blocking) if (!dependent.deletingDependents) state.requeue(dependent);
}

/** An owner deleting with the orphan finalizer: strip its references from every dependent, then the finalizer. */
export async function orphanDependents(state: CollectorState, uid: string): Promise<void> {
  const owner = state.graph.get(uid);
  if (!owner) return;
  await Promise.all(
    [...owner.dependents].map(async (dependent) => {
      const latest = await getLive(state, dependent.identity);
      const refs = latest?.metadata?.ownerReferences ?? [];
      if (!latest || !refs.some((ref) => ref.uid === uid)) return;
      await patchOwners(
        state,
        dependent.identity,
        latest,
        refs.filter((ref) => ref.uid !== uid),
      );
    }),
  );
  await removeFinalizer(state, owner.identity, ORPHAN_FINALIZER);
}
