// Controller ownership of pods and jobs (upstream pkg/controller/controller_ref_manager.go):
// the controller ownerReference a workload sets on what it creates, and claiming — owned
// objects kept, orphans matching the selector adopted with a patch — shared by the
// daemonset, statefulset, job and cronjob controllers.

import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { matches, type Selector } from "../../../lib/labels/selector.ts";

export interface Owner {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: string };
}

export interface Ownable {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    deletionTimestamp?: string;
  };
}

/** The ownerReference marking `owner` as the managing controller (blockOwnerDeletion, as upstream). */
export function controllerRef(owner: Owner): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata?.name ?? "",
    uid: owner.metadata?.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller ownerReference of `object`, if any. */
export function controllerOf(object: Ownable): OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/**
 * The objects `owner` controls: those with its controller ref, plus orphans in its namespace
 * that match `selector`, which are adopted by a merge patch of their ownerReferences (a
 * failed adoption — the object changed or went away — just leaves it out).
 */
export async function claimObjects<T extends Ownable>(options: {
  client: ApiClient;
  owner: Owner;
  selector: Selector | undefined;
  candidates: T[];
  /** The object's path, for the adoption patch. */
  pathOf(object: T): string;
}): Promise<T[]> {
  const { owner, selector, client } = options;
  const uid = owner.metadata?.uid;
  const claimed: T[] = [];
  for (const object of options.candidates) {
    const ref = controllerOf(object);
    if (ref) {
      if (ref.uid === uid) claimed.push(object);
      continue;
    }
    if (!selector || owner.metadata?.deletionTimestamp || object.metadata?.deletionTimestamp) continue;
    if (selector.length === 0 || !matches(selector, object.metadata?.labels)) continue;
    try {
      const adopted = await client.patch<T>(options.pathOf(object), {
        metadata: {
          ownerReferences: [...(object.metadata?.ownerReferences ?? []), controllerRef(owner)],
          uid: object.metadata?.uid,
        },
      });
      claimed.push(adopted);
    } catch {
      // Gone or changed under us; the next sync sees it again.
    }
  }
  return claimed;
}
