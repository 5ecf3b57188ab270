// ReplicationControllers for the ReplicaSet controller (upstream pkg/controller/replication,
// which wraps the ReplicaSet controller): core/v1 paths, an equality-map selector, events as
// replication-controller.

import { resourcePath } from "../../../lib/api/resource-path.ts";
import type { ReplicatedKind } from "../replicaset/replicated-kind.ts";

export const REPLICATION_CONTROLLER_KIND: ReplicatedKind = {
  kind: "ReplicationController",
  apiVersion: "v1",
  path: "/api/v1/replicationcontrollers",
  namespaced: (ns) => resourcePath("replicationcontrollers", { namespace: ns }),
  selector(object) {
    const selector = object.spec?.selector;
    if (selector === null || typeof selector !== "object") return undefined;
    return Object.entries(selector as Record<string, string>).map(([key, value]) => ({
      key,
      operator: "=" as const,
      values: [value],
    }));
  },
  component: "replication-controller",
};
