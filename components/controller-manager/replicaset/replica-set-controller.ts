// The ReplicaSet controller (upstream pkg/controller/replicaset/replica_set.go): informer
// handlers only enqueue keys and note expectations; sync(key) claims pods, creates or deletes
// the difference in slow-start batches when expectations are met, and always writes status.

import type { Pod } from "kubernetes-types/core/v1";
import { type ApiClient, isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import { type Informer, objectKey } from "../../../lib/informer/informer.ts";
import type { InformerFactory } from "../../../lib/informer/informer-factory.ts";
import { matches } from "../../../lib/labels/selector.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { claimObjects, recheckOwner } from "../common/claim-objects.ts";
import { ControllerExpectations } from "../common/controller-expectations.ts";
import { controllerOf } from "../common/controller-ref.ts";
import { isPodActive, isPodReady } from "../common/pod-predicates.ts";
import { PodControl } from "./pod-control.ts";
import { podsToDelete } from "./pods-to-delete.ts";
import { calculateReplicaSetStatus, updateReplicaSetStatus } from "./replica-set-status.ts";
import type { Replicated, ReplicatedKind } from "./replicated-kind.ts";
import { slowStartBatch } from "./slow-start-batch.ts";

/** Upstream's burstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetControllerOptions {
  client: ApiClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  kind: ReplicatedKind;
  log(line: string): void;
  now(): Date;
}

export class ReplicaSetController {
  readonly queue = new WorkQueue();
  readonly expectations: ControllerExpectations;
  private readonly sets: Informer<Replicated>;
  private readonly pods: Informer<Pod>;
  private readonly podControl: PodControl;

  constructor(private readonly options: ReplicaSetControllerOptions) {
    this.expectations = new ControllerExpectations(() => options.now().getTime());
    this.sets = options.informers.for<Replicated>(options.kind.path);
    this.pods = options.informers.for<Pod>("/api/v1/pods");
    this.podControl = new PodControl(options.client, options.recorder);
  }

  /** Registers the handlers and waits for the caches (run it with runQueueController). */
  async start(): Promise<void> {
    this.sets.addHandlers({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (old, rs) => {
        if (old.metadata?.uid !== rs.metadata?.uid) this.expectations.delete(objectKey(old));
        this.enqueue(rs);
      },
      onDelete: (rs) => {
        this.expectations.delete(objectKey(rs));
        this.enqueue(rs);
      },
    });
    this.pods.addHandlers({
      onAdd: (pod) => this.addPod(pod),
      onUpdate: (old, pod) => this.updatePod(old, pod),
      onDelete: (pod) => this.deletePod(pod),
    });
    await Promise.all([this.sets.synced, this.pods.synced]);
  }

  private enqueue(object: Replicated): void {
    this.queue.add(objectKey(object));
  }

  /** The ReplicaSet a controllerRef names, if it is one of ours and still the same object. */
  private resolve(namespace: string | undefined, pod: Pod): Replicated | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== this.options.kind.kind) return undefined;
    const rs = this.sets.get(`${namespace}/${ref.name}`);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** The ReplicaSets whose selector matches an orphan pod. */
  private setsSelecting(pod: Pod): Replicated[] {
    return this.sets.listNamespace(pod.metadata?.namespace ?? "").filter((rs) => {
      const selector = this.options.kind.selector(rs);
      return selector !== undefined && selector.length > 0 && matches(selector, pod.metadata?.labels);
    });
  }

  private addPod(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) {
      this.deletePod(pod);
      return;
    }
    if (controllerOf(pod)) {
      const rs = this.resolve(pod.metadata?.namespace, pod);
      if (!rs) return;
      this.expectations.creationObserved(objectKey(rs));
      this.enqueue(rs);
      return;
    }
    for (const rs of this.setsSelecting(pod)) this.enqueue(rs);
  }

  private updatePod(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata?.labels) !== JSON.stringify(pod.metadata?.labels);
    if (pod.metadata?.deletionTimestamp) {
      this.deletePod(pod);
      if (labelsChanged) this.deletePod(old);
      return;
    }
    const oldRef = controllerOf(old);
    const ref = controllerOf(pod);
    const refChanged = oldRef?.uid !== ref?.uid;
    if (refChanged && oldRef) {
      const rs = this.resolve(old.metadata?.namespace, old);
      if (rs) this.enqueue(rs);
    }
    if (ref) {
      const rs = this.resolve(pod.metadata?.namespace, pod);
      if (!rs) return;
      this.enqueue(rs);
      const minReady = rs.spec?.minReadySeconds ?? 0;
      // Availability is time based: look again once the pod has been ready long enough.
      if (!isPodReady(old) && isPodReady(pod) && minReady > 0)
        this.queue.addAfter(objectKey(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.setsSelecting(pod)) this.enqueue(rs);
  }

  private deletePod(pod: Pod): void {
    const rs = this.resolve(pod.metadata?.namespace, pod);
    if (!rs) return;
    this.expectations.deletionObserved(objectKey(rs), objectKey(pod));
    this.enqueue(rs);
  }

  /** Brings the ReplicaSet named by `key` ("namespace/name") toward its spec and writes its status. */
  async sync(key: string): Promise<void> {
    const { kind, client, now } = this.options;
    const rs = this.sets.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = kind.selector(rs);
    if (selector === undefined) {
      this.options.log(`${key}: invalid selector`);
      return;
    }
    const namespace = rs.metadata?.namespace ?? "default";
    const owner = { ...rs, apiVersion: kind.apiVersion, kind: kind.kind };
    const active = this.pods.listNamespace(namespace).filter((p) => isPodActive(p));
    const pods = await claimObjects({
      client,
      owner,
      selector,
      objects: active,
      pathOf: (p) =>
        resource(client, "pods")
          .namespace(namespace)
          .path(p.metadata?.name ?? ""),
      canAdopt: recheckOwner(client, `${kind.namespaced(namespace)}/${rs.metadata?.name}`, owner),
    });
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, pods, owner);
      } catch (error) {
        manageError = error as Error;
      }
    }
    const status = calculateReplicaSetStatus(rs, pods, manageError, now());
    const updated = await updateReplicaSetStatus(client, kind, rs, status);
    const replicas = updated.spec?.replicas ?? 1;
    const minReady = updated.spec?.minReadySeconds ?? 0;
    if (
      !manageError &&
      minReady > 0 &&
      updated.status?.readyReplicas === replicas &&
      updated.status?.availableReplicas !== replicas
    )
      this.queue.addAfter(key, minReady * 1000);
    if (manageError) throw manageError;
  }

  private async manageReplicas(
    key: string,
    pods: Pod[],
    rs: Replicated & { apiVersion: string; kind: string },
  ) {
    const namespace = rs.metadata?.namespace ?? "default";
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, count);
      const result = await slowStartBatch(count, 1, async () => {
        try {
          await this.podControl.create(namespace, rs.spec?.template, rs);
        } catch (error) {
          // A namespace being deleted refuses new pods; that is not the ReplicaSet's failure.
          const causes = (error as { status?: { details?: { causes?: { reason?: string }[] } } }).status
            ?.details?.causes;
          if (causes?.some((c) => c.reason === "NamespaceTerminating")) return;
          throw error;
        }
      });
      for (let i = result.successes; i < count; i++) this.expectations.creationObserved(key);
      if (result.error) throw result.error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(pods, this.relatedPods(rs, pods), count);
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const errors: Error[] = [];
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await this.podControl.delete(namespace, pod.metadata?.name ?? "", rs);
          } catch (error) {
            this.expectations.deletionObserved(key, objectKey(pod));
            if (!isStatus(error, 404)) errors.push(error as Error);
          }
        }),
      );
      if (errors.length) throw errors[0];
    }
  }

  /** Active pods of every ReplicaSet that shares this one's controller (upstream getIndirectlyRelatedPods). */
  private relatedPods(rs: Replicated, own: Pod[]): Pod[] {
    const ownerUid = controllerOf(rs)?.uid;
    if (!ownerUid) return own;
    const namespace = rs.metadata?.namespace ?? "default";
    const siblings = new Set(
      this.sets
        .listNamespace(namespace)
        .filter((s) => controllerOf(s)?.uid === ownerUid)
        .map((s) => s.metadata?.uid),
    );
    return this.pods
      .listNamespace(namespace)
      .filter((p) => isPodActive(p) && siblings.has(controllerOf(p)?.uid));
  }
}
