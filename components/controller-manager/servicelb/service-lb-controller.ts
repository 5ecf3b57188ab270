// The service-lb controller (k3s pkg/cloudprovider servicelb, without its DaemonSet): a
// type=LoadBalancer Service's status.loadBalancer.ingress lists the InternalIPs of the Ready
// nodes as VIPs, which kube proxy then serves; a service that is no longer one loses it.

import type { Node, Service } from "kubernetes-types/core/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";

/** A running controller; sync: brings one service's ingress ("namespace/name") in line (what the workers run). */
export type ServiceLbController = SyncingController;

type Ingress = { ip: string; ipMode: "VIP" }[];

function nodeReady(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** The InternalIPs of the Ready nodes, sorted and unique, as ingress entries. */
export function readyNodeIngress(nodes: readonly Node[]): Ingress {
  const ips = new Set<string>();
  for (const node of nodes) {
    if (!nodeReady(node) || node.metadata?.deletionTimestamp) continue;
    for (const address of node.status?.addresses ?? [])
      if (address.type === "InternalIP" && address.address) ips.add(address.address);
  }
  return [...ips].sort().map((ip) => ({ ip, ipMode: "VIP" }));
}

/** A load balancer this controller serves: type LoadBalancer without another implementation's class. */
const ours = (service: Service): boolean =>
  service.spec?.type === "LoadBalancer" && !service.spec.loadBalancerClass;

export function startServiceLbController(context: ControllerContext): ServiceLbController {
  const { client, log } = context;
  const queue = new WorkQueue();
  const services = context.informers.for<Service>("/api/v1/services");
  const nodes = context.informers.for<Node>("/api/v1/nodes");
  const enqueue = (service: Service): void => {
    const m = service.metadata;
    if (m?.name) queue.add(`${m.namespace}/${m.name}`);
  };
  services.addHandlers({ onAdd: enqueue, onUpdate: (_old, s) => enqueue(s) });
  const enqueueAll = (): void => {
    for (const service of services.list()) if (ours(service)) enqueue(service);
  };
  const addressesOf = (node: Node) =>
    JSON.stringify([nodeReady(node), node.status?.addresses ?? [], !!node.metadata?.deletionTimestamp]);
  nodes.addHandlers({
    onAdd: enqueueAll,
    onUpdate: (old, node) => {
      if (addressesOf(old) !== addressesOf(node)) enqueueAll();
    },
    onDelete: enqueueAll,
  });

  const sync = async (key: string): Promise<void> => {
    const service = services.get(key);
    if (!service || service.metadata?.deletionTimestamp) return;
    const current = service.status?.loadBalancer?.ingress ?? [];
    const wanted: Ingress = ours(service) ? readyNodeIngress(nodes.list()) : [];
    // Another implementation's (or a user's) ingress on a service that is not ours is left alone,
    // unless the service stopped being a LoadBalancer at all.
    if (!ours(service) && service.spec?.type === "LoadBalancer") return;
    if (JSON.stringify(current) === JSON.stringify(wanted)) return;
    const [namespace, name] = key.split("/");
    try {
      await resource(client, "services")
        .namespace(namespace ?? "")
        .patch(
          name ?? "",
          { status: { loadBalancer: wanted.length ? { ingress: wanted } : { ingress: null } } },
          "merge",
          "status",
        );
    } catch (error) {
      if (isStatus(error, 404)) return;
      throw error;
    }
    log(`service ${key}: load balancer ingress ${wanted.map((i) => i.ip).join(",") || "cleared"}`);
  };

  return runController(context, {
    queue,
    sync,
    synced: [services.synced, nodes.synced],
  });
}

export const serviceLbController: ControllerDescriptor = {
  name: "service-lb",
  start: (context) => startServiceLbController(context),
};
