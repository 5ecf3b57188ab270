// The Deployment and ReplicaSet shapes the deployment controller reads and writes
// (kubernetes-types marks status read-only; the controller builds new statuses).

import type { Deployment, DeploymentStatus, ReplicaSet, ReplicaSetStatus } from "kubernetes-types/apps/v1";

export type DeploymentObject = Omit<Deployment, "status"> & { status?: DeploymentStatus };
export type ReplicaSetObject = Omit<ReplicaSet, "status"> & { status?: ReplicaSetStatus };

/** spec.replicas with its API default. */
export function replicasOf(object: { spec?: { replicas?: number } }): number {
  return object.spec?.replicas ?? 1;
}
