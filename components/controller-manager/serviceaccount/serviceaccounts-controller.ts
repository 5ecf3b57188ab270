// The serviceaccount controller (upstream pkg/controller/serviceaccount/serviceaccounts_controller.go):
// every active namespace has the `default` ServiceAccount; one deleted is created again. Tokens
// come from TokenRequest (pods) and the serviceaccount-token controller (token Secrets).

import type { Namespace, ServiceAccount } from "kubernetes-types/core/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";

export interface ServiceAccountsControllerOptions {
  /** Accounts every namespace gets (upstream DefaultServiceAccountsControllerOptions: "default"). */
  accounts?: string[];
}

/** A running controller; sync: ensures the accounts of one namespace (what the workers run). */
export type ServiceAccountsController = SyncingController;

export function startServiceAccountsController(
  context: ControllerContext,
  options: ServiceAccountsControllerOptions = {},
): ServiceAccountsController {
  const { client, log } = context;
  const accounts = options.accounts ?? ["default"];
  const queue = new WorkQueue();
  const namespaces = context.informers.for<Namespace>("/api/v1/namespaces");
  const serviceAccounts = context.informers.for<ServiceAccount>("/api/v1/serviceaccounts");
  const enqueue = (ns: Namespace): void => {
    if (ns.metadata?.name) queue.add(ns.metadata.name);
  };
  namespaces.addHandlers({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
  serviceAccounts.addHandlers({
    onDelete: (sa) => {
      if (sa.metadata?.namespace && accounts.includes(sa.metadata.name ?? ""))
        queue.add(sa.metadata.namespace);
    },
  });

  const sync = async (name: string): Promise<void> => {
    const ns = namespaces.get(name);
    if (!ns || ns.metadata?.deletionTimestamp || (ns.status?.phase ?? "Active") !== "Active") return;
    for (const account of accounts) {
      if (serviceAccounts.get(`${name}/${account}`)) continue;
      try {
        await resource(client, "serviceaccounts")
          .namespace(name)
          .create({
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: account, namespace: name },
          });
        log(`created serviceaccount ${name}/${account}`);
      } catch (error) {
        // Already there (the cache lags), or the namespace started terminating meanwhile.
        if (isStatus(error, 409) || isStatus(error, 403) || isStatus(error, 404)) continue;
        throw error;
      }
    }
  };
  // Wait for the account cache, so existing accounts are not created again.
  return runController(context, {
    queue,
    sync,
    synced: [namespaces.synced, serviceAccounts.synced],
  });
}

export const serviceAccountsController: ControllerDescriptor = {
  name: "serviceaccount",
  start: (context) => startServiceAccountsController(context),
};
