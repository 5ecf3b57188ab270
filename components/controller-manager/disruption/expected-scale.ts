// The expected number of pods behind a PodDisruptionBudget (upstream pkg/controller/disruption/
// disruption.go getExpectedPodCount, getExpectedScale and the finders): the sum of the scales of
// the pods' controllers (a ReplicaSet owned by a Deployment counts as its Deployment), any other
// controller through its /scale subresource. Percentages resolve against that sum.

import type { Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod, ReplicationController } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { resourcePath } from "../../../lib/api/resource-path.ts";
import { parseApiVersion, RESOURCES } from "../../../lib/api/resources.ts";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { isStatus } from "../../../lib/client/api-client.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { controllerOf } from "../common/controller-ref.ts";
import { scaledValue } from "../deployment/rollout-math.ts";

export interface ScaleSources {
  client: ApiClient;
  replicaSets: Informer<ReplicaSet>;
  deployments: Informer<Deployment>;
  statefulSets: Informer<StatefulSet>;
  replicationControllers: Informer<ReplicationController>;
}

interface ControllerScale {
  uid: string;
  scale: number;
}

type Finder = (ref: OwnerReference, ns: string) => Promise<ControllerScale | undefined>;

function byUid<T extends { metadata?: { uid?: string }; spec?: { replicas?: number } }>(
  informer: Informer<T>,
  ref: OwnerReference,
  ns: string,
): T | undefined {
  const found = informer.get(`${ns}/${ref.name}`);
  return found && found.metadata?.uid === ref.uid ? found : undefined;
}

function finders(s: ScaleSources): Finder[] {
  const scaleOf = (o: { metadata?: { uid?: string }; spec?: { replicas?: number } }): ControllerScale => ({
    uid: o.metadata?.uid ?? "",
    scale: o.spec?.replicas ?? 1,
  });
  return [
    async (ref, ns) => {
      if (ref.kind !== "ReplicaSet" || parseApiVersion(ref.apiVersion).group !== "apps") return undefined;
      const rs = byUid(s.replicaSets, ref, ns);
      if (!rs || controllerOf(rs)?.kind === "Deployment") return undefined;
      return scaleOf(rs);
    },
    async (ref, ns) => {
      if (ref.kind !== "ReplicaSet" || parseApiVersion(ref.apiVersion).group !== "apps") return undefined;
      const rs = byUid(s.replicaSets, ref, ns);
      const owner = rs && controllerOf(rs);
      if (owner?.kind !== "Deployment") return undefined;
      const deployment = byUid(s.deployments, owner, ns);
      return deployment && scaleOf(deployment);
    },
    async (ref, ns) => {
      if (ref.kind !== "ReplicationController" || ref.apiVersion !== "v1") return undefined;
      const rc = byUid(s.replicationControllers, ref, ns);
      return rc && scaleOf(rc);
    },
    async (ref, ns) => {
      if (ref.kind !== "StatefulSet" || parseApiVersion(ref.apiVersion).group !== "apps") return undefined;
      const set = byUid(s.statefulSets, ref, ns);
      return set && scaleOf(set);
    },
    // Any other kind with a /scale subresource (upstream getScaleController).
    async (ref, ns) => {
      const gv = parseApiVersion(ref.apiVersion);
      const r = RESOURCES.find(
        (x) => x.group === gv.group && x.version === gv.version && x.kind === ref.kind,
      );
      if (!r?.subresources.some((sub) => sub.name === "scale")) return undefined;
      try {
        const scale = await s.client.get<{ metadata?: { uid?: string }; spec?: { replicas?: number } }>(
          resourcePath(r, { namespace: ns, name: ref.name, subresource: "scale" }),
        );
        return scale.metadata?.uid === ref.uid
          ? { uid: ref.uid, scale: scale.spec?.replicas ?? 0 }
          : undefined;
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    },
  ];
}

export interface ExpectedCount {
  expectedCount: number;
  desiredHealthy: number;
  /** Names of selected pods without a controller. */
  unmanagedPods: string[];
}

async function expectedScale(
  s: ScaleSources,
  pods: Pod[],
): Promise<{ expectedCount: number; unmanagedPods: string[] }> {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata?.name ?? "");
      continue;
    }
    if (scales.has(ref.uid)) continue;
    let found: ControllerScale | undefined;
    for (const finder of finders(s)) {
      found = await finder(ref, pod.metadata?.namespace ?? "default");
      if (found) break;
    }
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const n of scales.values()) expectedCount += n;
  return { expectedCount, unmanagedPods };
}

/** Upstream getExpectedPodCount: an integer minAvailable counts the selected pods, else scales. */
export async function expectedPodCount(
  s: ScaleSources,
  pdb: PodDisruptionBudget,
  pods: Pod[],
): Promise<ExpectedCount> {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = await expectedScale(s, pods);
    const maxUnavailable = scaledValue(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable), unmanagedPods };
  }
  if (typeof spec.minAvailable === "number") {
    return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanagedPods: [] };
  }
  if (typeof spec.minAvailable === "string") {
    const { expectedCount, unmanagedPods } = await expectedScale(s, pods);
    return {
      expectedCount,
      desiredHealthy: scaledValue(spec.minAvailable, expectedCount, true),
      unmanagedPods,
    };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}
