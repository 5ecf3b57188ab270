// One DaemonSet sync (upstream pkg/controller/daemon/daemon_controller.go syncDaemonSet, manage,
// podsShouldBeOnNode, syncNodes and update.go rollingUpdate): a pod on every node that should
// run one, none elsewhere, failed pods replaced with back-off, old pods replaced within
// maxUnavailable (RollingUpdate) or only when deleted (OnDelete), revisions, status.

import type { ControllerRevision, DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { fromLabelSelector } from "../../../lib/labels/selector.ts";
import { claimObjects, recheckOwner } from "../common/claim-objects.ts";
import type { ControllerExpectations } from "../common/controller-expectations.ts";
import { controllerOf } from "../common/controller-ref.ts";
import { CONTROLLER_REVISION_HASH_LABEL } from "../common/labels.ts";
import { isPodAvailable, isPodReady, isPodTerminal, isPodTerminating } from "../common/pod-predicates.ts";
import { ensureRevision, truncateHistory } from "../statefulset/controller-history.ts";
import { updateStatus } from "../statefulset/update-status.ts";
import { isPodUpdated, newDaemonPod, targetNodeName, templateGeneration } from "./daemon-pods.ts";
import { nodeShouldRunDaemonPod } from "./node-eligibility.ts";
import { rollingUpdateDeletions } from "./rolling-update.ts";

export interface DaemonSetSyncDeps {
  client: ApiClient;
  daemonSets: Informer<DaemonSet>;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  revisions: Informer<ControllerRevision>;
  expectations: ControllerExpectations;
  recorder: EventRecorder;
  enqueueAfter(key: string, ms: number): void;
  log(line: string): void;
  now(): Date;
}

const byAge = (a: Pod, b: Pod) =>
  Date.parse(a.metadata?.creationTimestamp ?? "") - Date.parse(b.metadata?.creationTimestamp ?? "") ||
  (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");

export function createDaemonSetSync(deps: DaemonSetSyncDeps): (key: string) => Promise<void> {
  const { client, recorder, expectations } = deps;
  /** Back-off before deleting another failed pod on the same node (failedPodsBackoff). */
  const failedBackoff = new Map<string, { delayMs: number; until: number }>();

  return async (key: string): Promise<void> => {
    const cached = deps.daemonSets.get(key);
    if (!cached) {
      expectations.delete(key);
      return;
    }
    if (cached.metadata?.deletionTimestamp) return;
    const ds = { ...cached, apiVersion: "apps/v1" as const, kind: "DaemonSet" as const };
    const ns = ds.metadata?.namespace ?? "default";
    const daemonSetPath = resource(client, "daemonsets.apps")
      .namespace(ns)
      .path(ds.metadata?.name ?? "");
    const uid = ds.metadata?.uid;
    const now = deps.now();
    const pods = await claimObjects({
      client,
      owner: ds,
      selector: fromLabelSelector(ds.spec?.selector),
      objects: deps.pods.listNamespace(ns),
      pathOf: (p) =>
        resource(client, "pods")
          .namespace(ns)
          .path(p.metadata?.name ?? ""),
      canAdopt: recheckOwner(client, daemonSetPath, ds),
    });
    const byNode = new Map<string, Pod[]>();
    for (const pod of pods) {
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), pod].sort(byAge));
    }
    const history = await ensureRevision({
      client,
      owner: ds,
      revisions: deps.revisions.listNamespace(ns).filter((r) => controllerOf(r)?.uid === uid),
      template: ds.spec?.template,
      collisionCount: ds.status?.collisionCount ?? 0,
      hashLabel: CONTROLLER_REVISION_HASH_LABEL,
    });
    const hash = history.update.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "";
    const nodes = deps.nodes.list();
    const template = ds.spec?.template?.spec ?? { containers: [] };
    const eligibility = new Map(
      nodes.map((n) => [n.metadata?.name ?? "", nodeShouldRunDaemonPod(template, n)]),
    );
    const minReady = ds.spec?.minReadySeconds ?? 0;

    const syncNodes = async (create: string[], remove: Pod[]): Promise<void> => {
      expectations.expect(key, create.length, remove.length);
      let batch = 1;
      for (let i = 0; i < create.length; i += batch, batch *= 2) {
        const results = await Promise.allSettled(
          create.slice(i, i + batch).map(async (node) => {
            const pod = await resource<Pod>(client, "pods")
              .namespace(ns)
              .create(newDaemonPod(ds, node, hash));
            recorder.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata?.name}`);
          }),
        );
        const failed = results.filter((r) => r.status === "rejected");
        for (const r of failed) {
          expectations.creationObserved(key);
          recorder.event(ds, "Warning", "FailedCreate", `Error creating: ${(r.reason as Error).message}`);
        }
        if (failed.length) {
          // Skip the rest of the slow-start batches, as upstream does.
          for (let j = i + batch; j < create.length; j++) expectations.creationObserved(key);
          throw (failed[0] as PromiseRejectedResult).reason;
        }
      }
      await Promise.all(
        remove.map(async (pod) => {
          try {
            await resource(client, "pods")
              .namespace(ns)
              .delete(pod.metadata?.name ?? "", {
                uid: pod.metadata?.uid,
              });
            recorder.event(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata?.name}`);
          } catch (error) {
            expectations.deletionObserved(key);
            if (isStatus(error, 404) || isStatus(error, 409)) return;
            recorder.event(ds, "Warning", "FailedDelete", `Error deleting: ${(error as Error).message}`);
            throw error;
          }
        }),
      );
    };

    const manage = async (): Promise<boolean> => {
      const create: string[] = [];
      const remove: Pod[] = [];
      for (const node of nodes) {
        const name = node.metadata?.name ?? "";
        const { shouldRun, shouldContinueRunning } = eligibility.get(name) ?? {
          shouldRun: false,
          shouldContinueRunning: false,
        };
        const here = byNode.get(name) ?? [];
        if (shouldRun && here.length === 0) {
          create.push(name);
        } else if (shouldContinueRunning) {
          const running: Pod[] = [];
          for (const pod of here) {
            if (isPodTerminating(pod)) continue;
            if (isPodTerminal(pod)) {
              const backoffKey = `${uid}/${name}`;
              const backoff = failedBackoff.get(backoffKey);
              if (backoff && now.getTime() < backoff.until) {
                deps.enqueueAfter(key, backoff.until - now.getTime());
                continue;
              }
              const delayMs = Math.min((backoff?.delayMs ?? 500) * 2, 15 * 60_000);
              failedBackoff.set(backoffKey, { delayMs, until: now.getTime() + delayMs });
              const podName = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
              const msg = `Found failed daemon pod ${podName} on node ${name}, will try to kill it`;
              recorder.event(ds, "Warning", "FailedDaemonPod", msg);
              remove.push(pod);
            } else running.push(pod);
          }
          // More than one running pod on a node (no surge): keep the oldest.
          remove.push(...running.slice(1));
        } else {
          remove.push(...here.filter((p) => !isPodTerminating(p)));
        }
      }
      // Pods aimed at nodes that no longer exist.
      for (const [name, here] of byNode) {
        if (!eligibility.has(name)) remove.push(...here.filter((p) => !isPodTerminating(p)));
      }
      if (create.length === 0 && remove.length === 0) return false;
      await syncNodes(create, remove);
      return true;
    };

    const generation = templateGeneration(ds);
    try {
      if (expectations.satisfied(key)) {
        const acted = await manage();
        if (!acted && (ds.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate") {
          const remove = rollingUpdateDeletions({ ds, byNode, eligibility, hash, generation, now });
          if (remove.length) await syncNodes([], remove);
        }
        const live = new Set([history.update.metadata?.name ?? ""]);
        for (const pod of pods)
          live.add(`${ds.metadata?.name}-${pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL]}`);
        await truncateHistory({
          client,
          revisions: history.revisions,
          live,
          limit: ds.spec?.revisionHistoryLimit ?? 10,
        });
      }
    } finally {
      const status: DaemonSetStatus = {
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
        numberAvailable: 0,
        updatedNumberScheduled: 0,
        observedGeneration: ds.metadata?.generation,
      };
      let waitForAvailable = false;
      for (const [name, { shouldRun }] of eligibility) {
        const here = (byNode.get(name) ?? []).filter((p) => !isPodTerminating(p));
        const pod = here[0];
        if (!shouldRun) {
          if (pod) status.numberMisscheduled++;
          continue;
        }
        status.desiredNumberScheduled++;
        if (!pod) continue;
        status.currentNumberScheduled++;
        if (isPodReady(pod)) {
          status.numberReady++;
          if (isPodAvailable(pod, minReady, now)) status.numberAvailable = (status.numberAvailable ?? 0) + 1;
          else waitForAvailable = true;
        }
        if (isPodUpdated(pod, hash, generation))
          status.updatedNumberScheduled = (status.updatedNumberScheduled ?? 0) + 1;
      }
      const unavailable = status.desiredNumberScheduled - (status.numberAvailable ?? 0);
      if (unavailable > 0) status.numberUnavailable = unavailable;
      if (history.collisionCount) status.collisionCount = history.collisionCount;
      if (ds.status?.conditions) status.conditions = ds.status.conditions;
      await updateStatus(client, daemonSetPath, cached, status);
      if (waitForAvailable && minReady > 0) deps.enqueueAfter(key, minReady * 1000);
    }
  };
}
