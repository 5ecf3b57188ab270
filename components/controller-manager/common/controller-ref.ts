// Controller owner references (upstream apimachinery metav1.GetControllerOf, NewControllerRef):
// the one ownerReference with controller=true, how to make one (it also blocks the owner's
// foreground deletion until the dependent is gone), and the owner's queue key.

import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";

/** An owner as a controller knows it: its type and identity. */
export interface OwnerIdentity {
  apiVersion: string;
  kind: string;
  metadata?: ObjectMeta;
}

export interface Ownable {
  metadata?: ObjectMeta;
}

export function controllerOf(object: Ownable): OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function newControllerRef(owner: OwnerIdentity): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata?.name ?? "",
    uid: owner.metadata?.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** "namespace/name" of the `kind` controlling `object` (same namespace), or undefined. */
export function controllerKey(object: Ownable, kind: string): string | undefined {
  const ref = controllerOf(object);
  return ref?.kind === kind ? `${object.metadata?.namespace}/${ref.name}` : undefined;
}
