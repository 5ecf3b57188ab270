// Adoption and orphaning (upstream pkg/controller/controller_ref_manager.go ClaimObject and
// RecheckDeletionTimestamp): an owner claims the orphans its selector matches (a controller
// ownerRef patched in) and releases the objects it owns that no longer match; objects
// controlled by another owner are left alone.

import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { type ApiClient, isStatus } from "../../../lib/client/api-client.ts";
import { matches, type Selector } from "../../../lib/labels/selector.ts";
import { controllerOf, newControllerRef, type OwnerIdentity } from "./controller-ref.ts";

export interface ClaimOptions<T extends { metadata?: ObjectMeta }> {
  client: ApiClient;
  owner: OwnerIdentity;
  /** Undefined (an invalid selector) adopts and releases nothing; an empty one adopts nothing. */
  selector: Selector | undefined;
  objects: T[];
  /** The object's API path ("/api/v1/namespaces/ns/pods/name"). */
  pathOf(object: T): string;
  /** Extra match condition besides the selector. */
  filter?(object: T): boolean;
  /**
   * Throws when the owner may not adopt (it is gone or being deleted); called once, before the
   * first adoption (upstream RecheckDeletionTimestamp; see `recheckOwner`).
   */
  canAdopt?(): Promise<void>;
}

/** The objects the owner controls after adopting and releasing; throws the first failed patch. */
export async function claimObjects<T extends { metadata?: ObjectMeta }>(
  options: ClaimOptions<T>,
): Promise<T[]> {
  const { client, owner, selector } = options;
  const ownerUid = owner.metadata?.uid;
  const ownerDeleting = Boolean(owner.metadata?.deletionTimestamp);
  const match = (o: T) =>
    selector !== undefined && matches(selector, o.metadata?.labels) && (options.filter?.(o) ?? true);
  let adoptable: Promise<void> | undefined;
  const claimed: T[] = [];
  const errors: Error[] = [];
  for (const object of options.objects) {
    const ref = controllerOf(object);
    try {
      if (ref) {
        if (ref.uid !== ownerUid) continue;
        if (match(object) || selector === undefined) {
          claimed.push(object);
          continue;
        }
        if (ownerDeleting) continue;
        await patchOwner(client, options.pathOf(object), object, {
          ownerReferences: [{ $patch: "delete", uid: ownerUid }],
        });
        continue;
      }
      if (ownerDeleting || !selector?.length || !match(object) || object.metadata?.deletionTimestamp)
        continue;
      if (owner.metadata?.namespace && owner.metadata.namespace !== object.metadata?.namespace) continue;
      adoptable ??= options.canAdopt?.() ?? Promise.resolve();
      await adoptable;
      if (
        await patchOwner(client, options.pathOf(object), object, {
          ownerReferences: [newControllerRef(owner)],
        })
      )
        claimed.push(object);
    } catch (error) {
      errors.push(error as Error);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

/**
 * A `canAdopt` that reads the owner afresh at `path` and throws when it was replaced by another
 * object of the same name or is being deleted (upstream RecheckDeletionTimestamp).
 */
export function recheckOwner(client: ApiClient, path: string, owner: OwnerIdentity): () => Promise<void> {
  return async () => {
    const fresh = await client.get<OwnerIdentity>(path);
    const key = `${owner.metadata?.namespace}/${owner.metadata?.name}`;
    if (fresh.metadata?.uid !== owner.metadata?.uid)
      throw new Error(
        `original ${owner.kind} ${key} is gone: got uid ${fresh.metadata?.uid}, wanted ${owner.metadata?.uid}`,
      );
    if (fresh.metadata?.deletionTimestamp)
      throw new Error(`${key} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  };
}

/** Strategic-merge-patches the object's ownerReferences; false when the object is gone. */
async function patchOwner(client: ApiClient, path: string, object: { metadata?: ObjectMeta }, patch: object) {
  try {
    await client.patch(path, { metadata: { ...patch, uid: object.metadata?.uid } }, "strategic");
    return true;
  } catch (error) {
    if (isStatus(error, 404)) return false;
    throw error;
  }
}
