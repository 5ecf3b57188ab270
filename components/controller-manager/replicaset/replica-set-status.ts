// ReplicaSet status (upstream pkg/controller/replicaset/replica_set_utils.go calculateStatus and
// updateReplicaSetStatus): replicas, fully labeled, ready and available counts, the
// ReplicaFailure condition while creating or deleting fails, observedGeneration.

import type { Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { matches, type Selector } from "../../../lib/labels/selector.ts";
import { isPodAvailable, isPodReady } from "../common/pod-predicates.ts";
import type { Replicated, ReplicatedKind, ReplicatedStatus } from "./replicated-kind.ts";

function templateSelector(object: Replicated): Selector {
  return Object.entries(object.spec?.template?.metadata?.labels ?? {}).map(([key, value]) => ({
    key,
    operator: "=" as const,
    values: [value],
  }));
}

export function calculateReplicaSetStatus(
  object: Replicated,
  pods: Pod[],
  manageError: Error | undefined,
  now: Date,
): ReplicatedStatus {
  const status: ReplicatedStatus = structuredClone(object.status ?? { replicas: 0 });
  const template = templateSelector(object);
  const minReadySeconds = object.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (matches(template, pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  const failure = status.conditions?.find((c) => c.type === "ReplicaFailure");
  if (manageError && !failure) {
    const diff = pods.length - (object.spec?.replicas ?? 1);
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    status.conditions = [
      ...(status.conditions ?? []),
      {
        type: "ReplicaFailure",
        status: "True",
        lastTransitionTime: `${now.toISOString().slice(0, 19)}Z`,
        reason,
        message: manageError.message,
      },
    ];
  } else if (!manageError && failure) {
    status.conditions = status.conditions?.filter((c) => c.type !== "ReplicaFailure");
    if (!status.conditions?.length) delete status.conditions;
  }
  status.replicas = pods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  return status;
}

function same(a: ReplicatedStatus | undefined, b: ReplicatedStatus): boolean {
  return (
    (a?.replicas ?? 0) === b.replicas &&
    (a?.fullyLabeledReplicas ?? 0) === (b.fullyLabeledReplicas ?? 0) &&
    (a?.readyReplicas ?? 0) === (b.readyReplicas ?? 0) &&
    (a?.availableReplicas ?? 0) === (b.availableReplicas ?? 0) &&
    JSON.stringify(a?.conditions ?? []) === JSON.stringify(b.conditions ?? [])
  );
}

/**
 * Writes `status` (with observedGeneration) unless nothing changed; on a conflict it re-reads the
 * object once and tries again, as upstream does. Returns the stored object.
 */
export async function updateReplicaSetStatus(
  client: ApiClient,
  kind: ReplicatedKind,
  object: Replicated,
  status: ReplicatedStatus,
): Promise<Replicated> {
  const generation = object.metadata?.generation ?? 0;
  if (same(object.status, status) && (object.status?.observedGeneration ?? 0) === generation) return object;
  const namespace = object.metadata?.namespace ?? "default";
  const path = `${kind.namespaced(namespace)}/${object.metadata?.name}`;
  let current = object;
  for (let attempt = 0; ; attempt++) {
    const next = { ...current, status: { ...status, observedGeneration: current.metadata?.generation ?? 0 } };
    try {
      return await client.update<Replicated>(`${path}/status`, next);
    } catch (error) {
      if (attempt >= 1) throw error;
      current = await client.get<Replicated>(path);
    }
  }
}
