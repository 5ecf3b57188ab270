// One StatefulSet sync (upstream pkg/controller/statefulset/stateful_set_control.go
// updateStatefulSet): revisions, then pods `<set>-<ordinal>` created in order (OrderedReady waits
// for each to be Running and Ready; Parallel does not), surplus ordinals deleted highest first,
// RollingUpdate replacing pods at or above the partition highest first, status always written.

import type { ControllerRevision, StatefulSet, StatefulSetStatus } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { fromLabelSelector } from "../../../lib/labels/selector.ts";
import { claimObjects, recheckOwner } from "../common/claim-objects.ts";
import { controllerOf } from "../common/controller-ref.ts";
import { REVISION_HASH_LABEL } from "../common/labels.ts";
import { isPodAvailable, isPodReady, isPodTerminal, isPodTerminating } from "../common/pod-predicates.ts";
import { ensureRevision, templateOfRevision, truncateHistory } from "./controller-history.ts";
import { isPodHealthy } from "./pod-state.ts";
import { newStatefulSetPod, ordinalOf, revisionOf, startOrdinal } from "./stateful-set-pods.ts";
import { updateStatus } from "./update-status.ts";

export interface StatefulSetSyncDeps {
  client: ApiClient;
  sets: Informer<StatefulSet>;
  pods: Informer<Pod>;
  revisions: Informer<ControllerRevision>;
  recorder: EventRecorder;
  log(line: string): void;
  now(): Date;
}

export function createStatefulSetSync(deps: StatefulSetSyncDeps): (key: string) => Promise<void> {
  const { client, recorder } = deps;
  const setPath = (ns: string, name: string) =>
    resource(client, "statefulsets.apps").namespace(ns).path(name);
  const podsIn = (ns: string) => resource<Pod>(client, "pods").namespace(ns);

  const podEvent = (set: StatefulSet, verb: string, pod: Pod, error?: Error): void => {
    const name = pod.metadata?.name;
    const setName = set.metadata?.name;
    if (error) {
      const reason = `Failed${verb[0]?.toUpperCase()}${verb.slice(1)}`;
      recorder.event(
        set,
        "Warning",
        reason,
        `${verb} Pod ${name} in StatefulSet ${setName} failed error: ${error.message}`,
      );
    } else {
      const reason = `Successful${verb[0]?.toUpperCase()}${verb.slice(1)}`;
      recorder.event(set, "Normal", reason, `${verb} Pod ${name} in StatefulSet ${setName} successful`);
    }
  };

  const createPod = async (set: StatefulSet, pod: Pod): Promise<void> => {
    const ns = set.metadata?.namespace ?? "default";
    try {
      await podsIn(ns).create(pod);
      podEvent(set, "create", pod);
    } catch (error) {
      if (isStatus(error, 409)) return; // Made by an earlier sync the cache has not shown yet.
      podEvent(set, "create", pod, error as Error);
      throw error;
    }
  };

  const deletePod = async (set: StatefulSet, pod: Pod): Promise<void> => {
    const ns = pod.metadata?.namespace ?? "default";
    try {
      await podsIn(ns).delete(pod.metadata?.name ?? "", { uid: pod.metadata?.uid });
      podEvent(set, "delete", pod);
    } catch (error) {
      if (isStatus(error, 404) || isStatus(error, 409)) return;
      podEvent(set, "delete", pod, error as Error);
      throw error;
    }
  };

  return async (key: string): Promise<void> => {
    const cached = deps.sets.get(key);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const set = { ...cached, apiVersion: "apps/v1" as const, kind: "StatefulSet" as const };
    const ns = set.metadata?.namespace ?? "default";
    const uid = set.metadata?.uid;
    const selector = fromLabelSelector(set.spec?.selector);
    const pods = await claimObjects({
      client,
      owner: set,
      selector,
      objects: deps.pods.listNamespace(ns),
      filter: (p) => ordinalOf(set, p) >= 0,
      pathOf: (p) => podsIn(ns).path(p.metadata?.name ?? ""),
      canAdopt: recheckOwner(client, setPath(ns, set.metadata?.name ?? ""), set),
    });
    const owned = deps.revisions.listNamespace(ns).filter((r) => controllerOf(r)?.uid === uid);
    const history = await ensureRevision({
      client,
      owner: set,
      revisions: owned,
      template: set.spec?.template,
      collisionCount: set.status?.collisionCount ?? 0,
      hashLabel: REVISION_HASH_LABEL,
    });
    const update = history.update;
    const current = history.revisions.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    const updateHash = update.metadata?.name ?? "";
    const currentHash = current.metadata?.name ?? "";

    const replicaCount = set.spec?.replicas ?? 1;
    const start = startOrdinal(set);
    const end = start + replicaCount;
    const strategy = set.spec?.updateStrategy;
    const rolling = (strategy?.type ?? "RollingUpdate") === "RollingUpdate";
    const partition = start + (strategy?.rollingUpdate?.partition ?? 0);
    const byOrdinal = new Map<number, Pod>();
    const condemned: Pod[] = [];
    for (const pod of pods) {
      const ordinal = ordinalOf(set, pod);
      if (ordinal >= start && ordinal < end) byOrdinal.set(ordinal, pod);
      else condemned.push(pod);
    }
    condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
    const monotonic = (set.spec?.podManagementPolicy ?? "OrderedReady") === "OrderedReady";
    const minReady = set.spec?.minReadySeconds ?? 0;

    const writeStatus = async (): Promise<void> => {
      const all = [...byOrdinal.values(), ...condemned];
      const status: StatefulSetStatus = {
        observedGeneration: set.metadata?.generation,
        replicas: all.length,
        readyReplicas: all.filter((p) => isPodReady(p) && !isPodTerminating(p)).length,
        availableReplicas: all.filter((p) => !isPodTerminating(p) && isPodAvailable(p, minReady, deps.now()))
          .length,
        currentReplicas: all.filter((p) => revisionOf(p) === currentHash).length,
        updatedReplicas: all.filter((p) => revisionOf(p) === updateHash).length,
        currentRevision: currentHash,
        updateRevision: updateHash,
        collisionCount: history.collisionCount,
      };
      if (set.status?.conditions) status.conditions = set.status.conditions;
      // completeRollingUpdate: once every replica runs the update revision, it becomes current.
      if (
        rolling &&
        status.updatedReplicas === status.replicas &&
        status.readyReplicas === status.replicas &&
        status.replicas === replicaCount
      ) {
        status.currentRevision = updateHash;
        status.currentReplicas = status.updatedReplicas;
      }
      await updateStatus(client, setPath(ns, set.metadata?.name ?? ""), cached, status);
      const live = new Set([status.currentRevision ?? "", updateHash]);
      for (const pod of pods) live.add(revisionOf(pod) ?? "");
      await truncateHistory({
        client,
        revisions: history.revisions,
        live,
        limit: set.spec?.revisionHistoryLimit ?? 10,
      });
    };

    const templateFor = (ordinal: number) => {
      const useCurrent = rolling && ordinal < partition;
      return useCurrent
        ? { template: templateOfRevision(current), hash: currentHash }
        : { template: set.spec?.template ?? {}, hash: updateHash };
    };

    const act = async (): Promise<void> => {
      // Replicas in ascending order: recreate failed ones, create missing ones, and under
      // OrderedReady wait for each to be Running and Ready before the next.
      for (let ordinal = start; ordinal < end; ordinal++) {
        const pod = byOrdinal.get(ordinal);
        if (pod && isPodTerminal(pod) && !isPodTerminating(pod)) {
          await deletePod(set, pod);
          byOrdinal.set(ordinal, {
            ...pod,
            metadata: { ...pod.metadata, deletionTimestamp: deps.now().toISOString() },
          });
          if (monotonic) return;
          continue;
        }
        if (!pod) {
          const { template, hash } = templateFor(ordinal);
          await createPod(set, newStatefulSetPod(set, template, ordinal, hash));
          if (monotonic) return;
          continue;
        }
        if (monotonic && !isPodHealthy(pod)) {
          deps.log(`StatefulSet ${key} is waiting for Pod ${pod.metadata?.name} to be Running and Ready`);
          return;
        }
      }
      // Surplus ordinals, highest first; OrderedReady deletes one at a time once all others are healthy.
      for (const pod of condemned) {
        if (isPodTerminating(pod)) {
          if (monotonic) return;
          continue;
        }
        if (monotonic && [...byOrdinal.values()].some((p) => !isPodHealthy(p))) return;
        await deletePod(set, pod);
        if (monotonic) return;
      }
      if (!rolling) return; // OnDelete: pods take the new template when someone deletes them.
      // RollingUpdate: replace the highest pod at or above the partition that is not at the update revision.
      for (let ordinal = end - 1; ordinal >= partition; ordinal--) {
        const pod = byOrdinal.get(ordinal);
        if (!pod) return;
        if (revisionOf(pod) !== updateHash) {
          if (!isPodTerminating(pod)) await deletePod(set, pod);
          return;
        }
        if (!isPodHealthy(pod)) return;
      }
    };

    try {
      await act();
    } finally {
      await writeStatus();
    }
  };
}
