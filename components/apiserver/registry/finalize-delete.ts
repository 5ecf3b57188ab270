// What a delete answers (upstream's Store.finalizeDelete in k8s.io/apiserver
// pkg/registry/generic/registry/store.go): the object when it was only marked (grace period,
// finalizers) or its store sets ReturnDeletedObject, otherwise a Success Status naming it.
import type { Status } from "../../../lib/errors/status-error.ts";
import type { Stored } from "./object.ts";

/** A Status without a code, as upstream's finalizeDelete builds it (the code is omitted). */
export type DeletedStatus = Omit<Status, "code">;

/** What a delete did: the object as last seen, and whether it is gone (or would be, in a dry run). */
export interface DeleteResult {
  obj: Stored;
  deleted: boolean;
}

// The stores with ReturnDeletedObject: true (pkg/registry/core/{pod,service,namespace,
// persistentvolume,persistentvolumeclaim,serviceaccount}/storage and storage/storageclass).
const RETURN_DELETED_OBJECT = new Set([
  "/pods",
  "/services",
  "/namespaces",
  "/persistentvolumes",
  "/persistentvolumeclaims",
  "/serviceaccounts",
  "storage.k8s.io/storageclasses",
]);

/** The deleted object, or the Status upstream answers for an object that is gone. */
export function finalizeDelete(
  resource: { group: string; plural: string },
  result: DeleteResult,
): { object: Stored } | { status: DeletedStatus } {
  const { group, plural } = resource;
  if (!result.deleted || RETURN_DELETED_OBJECT.has(`${group}/${plural}`)) return { object: result.obj };
  const uid = result.obj.metadata.uid;
  const status: DeletedStatus = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    // Kind is the resource, as upstream's comment says: "Yes we set Kind field to resource."
    details: {
      name: result.obj.metadata.name ?? "",
      ...(group ? { group } : {}),
      kind: plural,
      ...(uid ? { uid } : {}),
    },
  };
  return { status };
}
