// The node IPAM controller with the range allocator (upstream pkg/controller/nodeipam,
// ipam/range_allocator.go): with --allocate-node-cidrs every Node without spec.podCIDR gets the
// next free --node-cidr-mask-size subnet of --cluster-cidr; CIDRs nodes already have are occupied
// first, so no two nodes share one; a deleted node's CIDR is released.

import type { Node } from "kubernetes-types/core/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { type ControllerRun, runQueueController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { CidrSet } from "./cidr-set.ts";

export interface NodeIpamOptions {
  /** Overrides ControllerOptions.allocateNodeCIDRs (tests). */
  allocateNodeCIDRs?: boolean;
  /** Overrides ControllerOptions.clusterCIDR (tests). */
  clusterCIDR?: string;
  /** Overrides ControllerOptions.nodeCIDRMaskSize (tests). */
  nodeCIDRMaskSize?: number;
}

const nodeRef = (node: Node): Node => ({ ...node, apiVersion: "v1", kind: "Node" });

export class NodeIpamController {
  readonly queue = new WorkQueue();
  readonly cidrs: CidrSet;
  /** node name -> the CIDR this controller counts as that node's (allocated or occupied). */
  private readonly byNode = new Map<string, string>();
  private readonly nodes: Informer<Node>;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly context: ControllerContext,
    clusterCIDR: string,
    maskSize: number,
  ) {
    this.cidrs = new CidrSet(clusterCIDR, maskSize);
    this.nodes = context.informers.for<Node>("/api/v1/nodes");
    this.recorder = context.recorder("cidrAllocator");
  }

  /** Occupies the CIDRs of the nodes already listed (before any allocation), then watches. */
  async start(): Promise<void> {
    await this.nodes.synced;
    for (const node of this.nodes.list()) this.occupy(node);
    this.nodes.addHandlers({
      onAdd: (node) => this.enqueue(node),
      onUpdate: (_old, node) => this.enqueue(node),
      onDelete: (node) => this.enqueue(node),
    });
  }

  private enqueue(node: Node): void {
    if (node.metadata?.name) this.queue.add(node.metadata.name);
  }

  private occupy(node: Node): void {
    const name = node.metadata?.name ?? "";
    const cidr = node.spec?.podCIDR;
    if (!cidr || this.byNode.get(name) === cidr) return;
    try {
      this.cidrs.occupy(cidr);
      this.byNode.set(name, cidr);
    } catch (error) {
      // Upstream logs and leaves the node alone: its CIDR is not ours to hand out or take back.
      this.context.log(`node ${name}: failed to mark cidr ${cidr} as occupied: ${(error as Error).message}`);
    }
  }

  private release(name: string): void {
    const cidr = this.byNode.get(name);
    if (!cidr) return;
    this.byNode.delete(name);
    this.cidrs.release(cidr);
    this.context.log(`node ${name}: released ${cidr}`);
    // Nodes waiting for a CIDR (backing off after CIDRNotAvailable) get a try at this one now.
    for (const node of this.nodes.list())
      if (!node.spec?.podCIDR && node.metadata?.name) this.queue.add(node.metadata.name);
  }

  async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) {
      this.release(name);
      return;
    }
    if (node.metadata?.deletionTimestamp) return;
    if (node.spec?.podCIDR) {
      const mine = this.byNode.get(name);
      if (mine && mine !== node.spec.podCIDR) this.release(name);
      this.occupy(node);
      return;
    }
    let cidr = this.byNode.get(name);
    if (!cidr) {
      cidr = this.cidrs.allocateNext();
      if (!cidr) {
        this.recorder.event(
          nodeRef(node),
          "Normal",
          "CIDRNotAvailable",
          `Node ${name} status is now: CIDRNotAvailable`,
        );
        throw new Error(`no remaining CIDRs in ${this.cidrs.clusterCIDR} for node ${name}`);
      }
      this.byNode.set(name, cidr);
    }
    await this.assign(node, cidr);
  }

  /** Writes `cidr` to the node, unless it got one meanwhile (then ours goes back). */
  private async assign(node: Node, cidr: string): Promise<void> {
    const name = node.metadata?.name ?? "";
    const nodes = resource<Node>(this.context.client, "nodes");
    try {
      const fresh = await nodes.get(name);
      const theirs = fresh.spec?.podCIDR;
      if (theirs) {
        if (theirs !== cidr) {
          this.context.log(
            `node ${name} already has a CIDR allocated ${theirs}; releasing the new one ${cidr}`,
          );
          this.release(name);
          this.occupy(fresh);
        }
        return;
      }
      await nodes.patch(name, {
        metadata: { resourceVersion: fresh.metadata?.resourceVersion },
        spec: { podCIDR: cidr, podCIDRs: [cidr] },
      });
      this.context.log(`node ${name}: set podCIDR ${cidr}`);
    } catch (error) {
      if (isStatus(error, 404)) {
        this.release(name);
        return;
      }
      if (!isStatus(error, 409)) {
        this.recorder.event(
          nodeRef(node),
          "Normal",
          "CIDRAssignmentFailed",
          `Node ${name} status is now: CIDRAssignmentFailed`,
        );
      }
      // The CIDR stays recorded for this node, so the retry writes the same one.
      throw error;
    }
  }
}

function startNodeIpam(context: ControllerContext, options: NodeIpamOptions): ControllerRun {
  const allocate = options.allocateNodeCIDRs ?? context.options.allocateNodeCIDRs;
  if (!allocate) {
    context.log("--allocate-node-cidrs is off: not allocating node CIDRs");
    return { started: Promise.resolve(), stop: async () => {} };
  }
  const clusterCIDR = options.clusterCIDR ?? context.options.clusterCIDR;
  if (!clusterCIDR) throw new Error("--allocate-node-cidrs needs --cluster-cidr (for example 10.244.0.0/16)");
  const maskSize = options.nodeCIDRMaskSize ?? context.options.nodeCIDRMaskSize ?? 24;
  const controller = new NodeIpamController(context, clusterCIDR, maskSize);
  // One worker: allocations from one CIDR set must not race.
  return runQueueController(context, controller, {
    workers: 1,
  });
}

/** The `nodeipam` controller with `options` overriding the command's flags (tests). */
export function nodeIpamControllerWith(options: NodeIpamOptions): ControllerDescriptor {
  return { name: "nodeipam", start: (context) => startNodeIpam(context, options) };
}

export const nodeIpamController: ControllerDescriptor = nodeIpamControllerWith({});
