// What the ReplicaSet controller needs to know about the kind it manages (upstream runs the same
// code for ReplicationControllers through a conversion shim, pkg/controller/replication): the
// API paths, the selector's shape, and the name its events report as.

import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { resourcePath } from "../../../lib/api/resource-path.ts";
import { fromLabelSelector, type LabelSelector, type Selector } from "../../../lib/labels/selector.ts";

export interface ReplicaCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicatedStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
}

/** A ReplicaSet or a ReplicationController: the fields both have. */
export interface Replicated {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: unknown;
    template?: PodTemplateSpec;
  };
  status?: ReplicatedStatus;
}

export interface ReplicatedKind {
  kind: string;
  apiVersion: string;
  /** The collection across namespaces ("/apis/apps/v1/replicasets"). */
  path: string;
  /** The collection in one namespace. */
  namespaced(namespace: string): string;
  /** The spec's selector; undefined selects nothing (an invalid selector). */
  selector(object: Replicated): Selector | undefined;
  /** The event source ("replicaset-controller"). */
  component: string;
}

export const REPLICA_SET_KIND: ReplicatedKind = {
  kind: "ReplicaSet",
  apiVersion: "apps/v1",
  path: "/apis/apps/v1/replicasets",
  namespaced: (ns) => resourcePath("replicasets.apps", { namespace: ns }),
  selector(object) {
    try {
      return fromLabelSelector(object.spec?.selector as LabelSelector | undefined);
    } catch {
      return undefined;
    }
  },
  component: "replicaset-controller",
};
