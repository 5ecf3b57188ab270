// Deleting a CRD's custom resources before the CRD goes (upstream's apiextensions-apiserver
// pkg/controller/finalizer/crd_finalizer.go): each instance is deleted through its store, so
// instances with finalizers are only marked and the CRD waits for them; the Terminating
// condition says where it is. Creates are refused meanwhile (customresource_handler.go).
import { StatusError } from "../../../lib/errors/status-error.ts";
import { bytes, prefixEnd } from "../../../storage/keys.ts";
import { rfc3339, type Stored } from "../registry/object.ts";
import type { Entry } from "../registry/registry.ts";
import { deleteCollectionResource, updateResource } from "../registry/resource-store.ts";
import type { Strategy } from "../registry/strategy.ts";
import type { WriteContext } from "../registry/write-context.ts";
import type { Crd } from "./crd-resources.ts";

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

const STATUS = { dryRun: false, manager: "kube-apiserver", subresource: "status" };

/** A custom resource strategy that refuses creates: the CRD is terminating. */
export function refusingCreates(strategy: Strategy, group: string, plural: string): Strategy {
  return {
    ...strategy,
    prepareForCreate() {
      throw StatusError.of(
        405,
        "MethodNotAllowed",
        "create not allowed while custom resource definition is terminating",
        {
          group,
          kind: plural,
        },
      );
    },
  };
}

/**
 * Delete every instance of `crd` and report whether none is left. `entry` is a served version
 * of it (every version shares one store); without one the instances are removed from storage.
 */
export async function deleteInstances(
  ctx: WriteContext,
  crds: Entry,
  crd: Crd,
  entry: Entry | undefined,
): Promise<boolean> {
  const name = crd.metadata.name ?? "";
  await setTerminating(
    ctx,
    crds,
    name,
    "True",
    "InstanceDeletionInProgress",
    "CustomResource deletion is in progress",
  );
  if (!entry) {
    const prefix = bytes(`/registry/${crd.spec.group}/${crd.spec.names.plural}/`);
    await crds.store.kv.delete({ key: prefix, end: prefixEnd(prefix) });
  } else {
    await deleteCollectionResource(ctx, entry, { namespace: "" }, {});
    const left = await entry.store.list({ namespace: "", limit: 1 });
    if (left.items.length > 0) return false;
  }
  await setTerminating(ctx, crds, name, "False", "InstanceDeletionCompleted", "removed all instances");
  return true;
}

/** The Terminating condition, written as a status update only when it changes. */
async function setTerminating(
  ctx: WriteContext,
  crds: Entry,
  name: string,
  status: string,
  reason: string,
  message: string,
): Promise<void> {
  const found = await crds.store.current("", name);
  if (!found) return;
  const current = conditionsOf(found.obj).find((c) => c.type === "Terminating");
  if (current?.status === status && current.reason === reason && current.message === message) return;
  await updateResource(
    ctx,
    crds,
    "",
    name,
    STATUS,
    async (cur) => {
      if (!cur) throw StatusError.notFound(crds.store.qualified, name);
      const next = structuredClone(cur);
      const conditions = conditionsOf(next).filter((c) => c.type !== "Terminating");
      const time =
        current?.status === status && current.lastTransitionTime
          ? current.lastTransitionTime
          : rfc3339(ctx.now());
      conditions.push({ type: "Terminating", status, lastTransitionTime: time, reason, message });
      next.status = { ...(next.status as object), conditions };
      return { update: next };
    },
    false,
  );
}

function conditionsOf(obj: Stored): Condition[] {
  return ((obj.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).slice();
}
