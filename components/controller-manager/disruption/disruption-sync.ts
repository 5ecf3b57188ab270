// One sync of a PodDisruptionBudget (upstream pkg/controller/disruption/disruption.go sync,
// trySync, failSafe): select its pods, resolve the expected count from their controllers, count
// the healthy ones, and write status only when it changed; on an error, a failsafe status.

import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from "kubernetes-types/policy/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { fromLabelSelector, matches, selectorString } from "../../../lib/labels/selector.ts";
import { expectedPodCount, type ScaleSources } from "./expected-scale.ts";
import { buildDisruptedPodMap, countHealthyPods, failSafeStatus, pdbStatus } from "./pdb-status.ts";

export interface DisruptionSyncDeps extends ScaleSources {
  pdbs: Informer<PodDisruptionBudget>;
  pods: Informer<Pod>;
  recorder: EventRecorder;
  now(): Date;
  /** Sync `key` again after `ms` (a disrupted pod's deadline). */
  recheck(key: string, ms: number): void;
}

const withKind = (pdb: PodDisruptionBudget): PodDisruptionBudget => ({
  ...pdb,
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
});

/** The pods in the PDB's namespace its selector matches (a missing selector matches none). */
export function podsForPdb(pods: Pod[], pdb: PodDisruptionBudget): Pod[] {
  const selector = fromLabelSelector(pdb.spec?.selector);
  if (!selector) return [];
  const ns = pdb.metadata?.namespace;
  return pods.filter((p) => p.metadata?.namespace === ns && matches(selector, p.metadata?.labels));
}

function sameStatus(a: PodDisruptionBudgetStatus | undefined, b: PodDisruptionBudgetStatus): boolean {
  const norm = (s: PodDisruptionBudgetStatus | undefined) =>
    JSON.stringify({ ...s, disruptedPods: s?.disruptedPods ?? {}, conditions: s?.conditions ?? [] });
  return norm(a) === norm(b);
}

export function createDisruptionSync(deps: DisruptionSyncDeps): (key: string) => Promise<void> {
  const writeStatus = async (pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): Promise<void> => {
    if (sameStatus(pdb.status, status)) return;
    const ns = pdb.metadata?.namespace;
    await resource(deps.client, "poddisruptionbudgets.policy")
      .namespace(ns ?? "")
      .updateStatus({
        ...withKind(pdb),
        status,
      });
  };

  const trySync = async (key: string, pdb: PodDisruptionBudget): Promise<void> => {
    const pods = podsForPdb(deps.pods.listNamespace(pdb.metadata?.namespace ?? ""), pdb);
    if (pods.length === 0) deps.recorder.event(withKind(pdb), "Normal", "NoPods", "No matching pods found");
    let counts: Awaited<ReturnType<typeof expectedPodCount>>;
    try {
      counts = await expectedPodCount(deps, pdb, pods);
    } catch (error) {
      deps.recorder.event(
        withKind(pdb),
        "Warning",
        "CalculateExpectedPodCountFailed",
        `Failed to calculate the number of expected pods: ${(error as Error).message}`,
      );
      throw error;
    }
    if (counts.unmanagedPods.length > 0) {
      const selector = selectorString(fromLabelSelector(pdb.spec?.selector) ?? []);
      deps.recorder.event(
        withKind(pdb),
        "Warning",
        "UnmanagedPods",
        `Pods selected by this PodDisruptionBudget (selector: ${selector}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    const now = deps.now();
    const disrupted = buildDisruptedPodMap(pods, pdb, now);
    for (const pod of disrupted.overdue) {
      deps.recorder.event(
        { ...pod, apiVersion: "v1", kind: "Pod" },
        "Warning",
        "NotDeleted",
        `Pod was expected by PDB ${pdb.metadata?.namespace}/${pdb.metadata?.name} to be deleted but it wasn't`,
      );
    }
    const currentHealthy = countHealthyPods(pods, disrupted.pods, now);
    await writeStatus(
      pdb,
      pdbStatus(
        pdb,
        {
          currentHealthy,
          desiredHealthy: counts.desiredHealthy,
          expectedPods: counts.expectedCount,
          disruptedPods: disrupted.pods,
        },
        now,
      ),
    );
    if (disrupted.recheckAt) deps.recheck(key, disrupted.recheckAt.getTime() - now.getTime());
  };

  return async (key: string): Promise<void> => {
    const pdb = deps.pdbs.get(key);
    if (!pdb) return;
    try {
      await trySync(key, pdb);
    } catch (error) {
      // A conflict means our cache is stale: retry with the newer object. Anything else leaves
      // the budget in a safe state (no disruptions) and retries with back-off.
      if (!isStatus(error, 409))
        await writeStatus(pdb, failSafeStatus(pdb, (error as Error).message, deps.now()));
      throw error;
    }
  };
}
