// Evicting a pod (upstream pkg/registry/core/pod/storage/eviction.go): deletes it only when no
// PodDisruptionBudget forbids it, counting the disruption in the budget's status first (a status
// write through the resource store, skipped in a dry run), so `kubectl drain` respects budgets.
// Terminal and not-yet-running pods go at once.
import { StatusError } from "../../../lib/errors/status-error.ts";
import { fromLabelSelector, type LabelSelector, matches } from "../../../lib/labels/selector.ts";
import { type KObject, rfc3339, type Stored } from "./object.ts";
import type { Entry, Registry } from "./registry.ts";
import { type DeleteOptions, deleteResource, updateResource } from "./resource-store.ts";
import type { WriteContext } from "./write-context.ts";

interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  disruptedPods?: Record<string, string>;
}

function budgetsFor(pod: Stored, budgets: Stored[]): Stored[] {
  const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
  return budgets.filter((pdb) => {
    const selector = fromLabelSelector((pdb.spec as { selector?: LabelSelector } | undefined)?.selector);
    // An empty selector matches nothing in policy/v1 (upstream).
    return selector !== undefined && selector.length > 0 && matches(selector, labels);
  });
}

function tooManyRequests(message: string, cause?: string): StatusError {
  return StatusError.of(
    429,
    "TooManyRequests",
    message,
    cause ? { causes: [{ reason: "DisruptionBudget", message: cause }] } : undefined,
  );
}

/** Evict pod `name` of `pods` (the pods entry): budget check, then a delete with `options`. */
export async function evictPod(
  ctx: WriteContext,
  registry: Registry,
  pods: Entry,
  namespace: string,
  name: string,
  options: DeleteOptions,
): Promise<void> {
  const pod = await pods.store.get(namespace, name);
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  const canIgnoreBudget =
    phase === "Succeeded" ||
    phase === "Failed" ||
    phase === "Pending" ||
    pod.metadata.deletionTimestamp !== undefined;
  const pdbs = registry.lookup("policy", "v1", "poddisruptionbudgets");
  if (!canIgnoreBudget && pdbs) {
    const budgets = budgetsFor(pod, (await pdbs.store.list({ namespace })).items);
    if (budgets.length > 1)
      throw StatusError.internal(
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      );
    const budget = budgets[0];
    if (budget) {
      // The budget's status is written as upstream's loopback client writes it: an update of
      // poddisruptionbudgets/status through the store; a dry run checks the budget, writes nothing.
      const opts = {
        dryRun: (options.dryRun ?? []).length > 0,
        manager: "kube-apiserver",
        subresource: "status",
      };
      const pdbName = budget.metadata.name ?? "";
      await updateResource(
        ctx,
        pdbs,
        namespace,
        pdbName,
        opts,
        async (cur) => {
          if (!cur) throw StatusError.notFound(pdbs.store.qualified, pdbName);
          const status = { ...((cur.status ?? {}) as PdbStatus) };
          if ((status.observedGeneration ?? 0) < (cur.metadata.generation ?? 0))
            throw tooManyRequests(
              "Cannot evict pod as it would violate the pod's disruption budget.",
              "The disruption budget is still being processed by the server.",
            );
          if ((status.disruptionsAllowed ?? 0) <= 0)
            throw tooManyRequests(
              "Cannot evict pod as it would violate the pod's disruption budget.",
              `The disruption budget ${cur.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
            );
          status.disruptionsAllowed = (status.disruptionsAllowed ?? 0) - 1;
          status.disruptedPods = { ...status.disruptedPods, [name]: rfc3339(ctx.now()) };
          return { update: { ...(structuredClone(cur) as KObject), status } };
        },
        false,
      );
    }
  }
  await deleteResource(ctx, pods, namespace, name, options);
}
