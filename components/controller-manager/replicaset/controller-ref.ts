// Controller owner references (upstream apimachinery metav1.GetControllerOf and
// NewControllerRef): the one ownerReference with controller=true, and how to make one that
// also blocks the owner's foreground deletion until the dependent is gone.

import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";

export interface OwnerIdentity {
  apiVersion: string;
  kind: string;
  metadata?: ObjectMeta;
}

export function controllerOf(object: { metadata?: ObjectMeta }): OwnerReference | undefined {
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
