// What the deployment controller's sync steps share (upstream: the DeploymentController
// receiver): the client, the event recorder, the clock, the ReplicaSet cache and requeueing, plus
// the API paths and the status write every step ends with.

import { resourcePath } from "../../../lib/api/resource-path.ts";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { type ResourceClient, resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { DeploymentObject, ReplicaSetObject } from "./deployment-types.ts";

export interface SyncContext {
  client: ApiClient;
  recorder: EventRecorder;
  now(): Date;
  log(line: string): void;
  /** The cached ReplicaSet "namespace/name". */
  cachedReplicaSet(key: string): ReplicaSetObject | undefined;
  enqueueAfter(d: DeploymentObject, ms: number): void;
  enqueueRateLimited(d: DeploymentObject): void;
}

/** The ReplicaSets of a namespace. */
export function replicaSets(ctx: { client: ApiClient }, namespace: string): ResourceClient<ReplicaSetObject> {
  return resource<ReplicaSetObject>(ctx.client, "replicasets.apps").namespace(namespace);
}

export function deploymentPath(d: DeploymentObject): string {
  return resourcePath("deployments.apps", {
    namespace: d.metadata?.namespace ?? "default",
    name: d.metadata?.name ?? "",
  });
}

/** The Deployment as events and ownerReferences name it (cache items lack kind and apiVersion). */
export function asDeployment(d: DeploymentObject): DeploymentObject & { apiVersion: string; kind: string } {
  return { ...d, apiVersion: "apps/v1", kind: "Deployment" };
}

/**
 * PUTs d's status (and its annotations, which a status write may carry, as upstream) and takes
 * the new resourceVersion, so the next write of the same sync does not conflict.
 */
export async function updateDeploymentStatus(ctx: SyncContext, d: DeploymentObject): Promise<void> {
  const stored = await resource<DeploymentObject>(ctx.client, "deployments.apps")
    .namespace(d.metadata?.namespace ?? "default")
    .updateStatus(asDeployment(d));
  d.metadata = {
    ...d.metadata,
    resourceVersion: stored.metadata?.resourceVersion,
    generation: stored.metadata?.generation,
  };
}

/** PUTs a ReplicaSet and returns what was stored. */
export function updateReplicaSet(ctx: SyncContext, rs: ReplicaSetObject): Promise<ReplicaSetObject> {
  const namespace = rs.metadata?.namespace ?? "default";
  return replicaSets(ctx, namespace).update({
    ...rs,
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
  });
}
