// The clusterrole-aggregation controller (upstream pkg/controller/clusterroleaggregation): a
// ClusterRole with an aggregationRule gets as rules the union, in name order and without
// duplicates, of the rules of every other ClusterRole its selectors match.

import type { ClusterRole, PolicyRule } from "kubernetes-types/rbac/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { fromLabelSelector, matches } from "../../../lib/labels/selector.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";

const PATH = "/apis/rbac.authorization.k8s.io/v1/clusterroles";

/** A running controller; sync: brings one aggregated ClusterRole's rules in line (what the workers run). */
export type ClusterRoleAggregationController = SyncingController;

/** The rules an aggregated role should have, given every ClusterRole (upstream's syncClusterRole). */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  const sorted = [...all].sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  for (const ls of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const selector = fromLabelSelector(ls);
    if (!selector) continue;
    for (const other of sorted) {
      if (other.metadata?.name === role.metadata?.name || !matches(selector, other.metadata?.labels))
        continue;
      for (const rule of other.rules ?? []) {
        const key = JSON.stringify(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(rule);
      }
    }
  }
  return out;
}

export function startClusterRoleAggregationController(
  context: ControllerContext,
): ClusterRoleAggregationController {
  const { client } = context;
  const queue = new WorkQueue();
  const roles = context.informers.for<ClusterRole>(PATH);
  // Any change may add or remove rules of any aggregated role: enqueue them all, as upstream.
  const enqueueAggregated = (): void => {
    for (const role of roles.list())
      if (role.aggregationRule && role.metadata?.name) queue.add(role.metadata.name);
  };
  roles.addHandlers({ onAdd: enqueueAggregated, onUpdate: enqueueAggregated, onDelete: enqueueAggregated });

  const sync = async (name: string): Promise<void> => {
    const role = roles.get(name);
    if (!role?.aggregationRule) return;
    const rules = aggregatedRules(role, roles.list());
    if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) return;
    try {
      await resource(client, "clusterroles.rbac.authorization.k8s.io").update({ ...role, rules });
    } catch (error) {
      if (isStatus(error, 404)) return;
      // 409: the cache was behind; the informer's update event enqueues the role again.
      if (isStatus(error, 409)) return;
      throw error;
    }
  };
  return runController(context, { queue, sync, synced: [roles.synced] });
}

export const clusterRoleAggregationController: ControllerDescriptor = {
  name: "clusterrole-aggregation",
  start: (context) => startClusterRoleAggregationController(context),
};
