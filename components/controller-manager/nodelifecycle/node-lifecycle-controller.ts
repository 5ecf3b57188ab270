// The node lifecycle controller (upstream pkg/controller/nodelifecycle/node_lifecycle_controller.go):
// every monitor period it checks each Node's heartbeats (its kube-node-lease Lease and its Ready
// condition); one silent for longer than the grace period gets its conditions set Unknown and its
// pods marked not ready. A work queue keyed by node name keeps the not-ready/unreachable
// (NoExecute and NoSchedule) and condition taints in line with the node's conditions.

import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { addPodNodeNameIndexer, POD_NODE_NAME_INDEX } from "../../../lib/informer/pod-node-name-index.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { podReadyCondition } from "../common/pod-predicates.ts";
import { type ControllerRun, runQueueController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import {
  type NoExecuteMode,
  readyCondition,
  reconcileTaints,
  unknownConditions,
  wantsNoExecuteAdded,
} from "./node-taints.ts";
import {
  computeZoneState,
  DEFAULT_DISRUPTION_RATES,
  type DisruptionRates,
  TokenBucket,
  type ZoneState,
  zoneOf,
  zoneTaintRate,
} from "./zone-disruption.ts";

export interface NodeLifecycleOptions {
  /** Overrides ControllerOptions.nodeMonitorGracePeriodMs (tests). */
  gracePeriodMs?: number;
  /** `--node-monitor-period`: how often node health is checked (default 5 s). */
  monitorPeriodMs?: number;
  /** The NoExecute tainting rates per zone state (upstream's flag defaults). */
  rates?: Partial<DisruptionRates>;
}

interface NodeHealth {
  /** Local time (ms) the controller last saw the kubelet's heartbeat change. */
  probeTimestamp: number;
  leaseRenewTime?: string;
  heartbeat?: string;
  /** The Ready status seen on the previous pass. */
  readyStatus?: string;
}

function seconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export class NodeLifecycleController {
  readonly queue = new WorkQueue();
  private readonly health = new Map<string, NodeHealth>();
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  readonly gracePeriodMs: number;
  private readonly rates: DisruptionRates;
  /** Per zone: its state at the last health pass and its NoExecute tainting limiter. */
  private readonly zones = new Map<string, { state: ZoneState; limiter: TokenBucket }>();
  /** Every zone fully disrupted: no node is tainted NoExecute (upstream's master disruption mode). */
  private masterDisruption = false;

  constructor(
    private readonly context: ControllerContext,
    options: NodeLifecycleOptions = {},
  ) {
    this.gracePeriodMs = options.gracePeriodMs ?? context.options.nodeMonitorGracePeriodMs;
    this.rates = { ...DEFAULT_DISRUPTION_RATES, ...options.rates };
    this.nodes = context.informers.for<Node>("/api/v1/nodes");
    this.leases = context.informers.for<Lease>(
      "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
    );
    this.pods = context.informers.for<Pod>("/api/v1/pods");
    addPodNodeNameIndexer(this.pods);
    this.recorder = context.recorder("node-controller");
  }

  async start(): Promise<void> {
    await Promise.all([this.nodes.synced, this.leases.synced]);
    const enqueue = (node: Node) => node.metadata?.name && this.queue.add(node.metadata.name);
    this.nodes.addHandlers({
      onAdd: enqueue,
      onUpdate: (_old, node) => enqueue(node),
      onDelete: (node) => this.health.delete(node.metadata?.name ?? ""),
    });
  }

  private now(): number {
    return this.context.clock.now();
  }

  /** One pass of upstream's monitorNodeHealth over every node in the cache. */
  async monitorNodeHealth(): Promise<void> {
    const now = this.now();
    await Promise.all(
      this.nodes
        .list()
        .map((node) =>
          this.checkNode(node, now).catch((error: Error) =>
            this.context.log(`node ${node.metadata?.name}: health update failed: ${error.message}`),
          ),
        ),
    );
    this.handleDisruption(now);
  }

  /** Upstream handleDisruption: zone states from the nodes' Ready conditions, and their rates. */
  private handleDisruption(now: number): void {
    const nodes = this.nodes.list();
    const byZone = new Map<string, (string | undefined)[]>();
    for (const node of nodes) {
      const zone = zoneOf(node);
      const statuses = byZone.get(zone) ?? [];
      statuses.push(readyCondition(node)?.status);
      byZone.set(zone, statuses);
    }
    const states = new Map<string, ZoneState>();
    for (const [zone, statuses] of byZone)
      states.set(zone, computeZoneState(statuses, this.rates.unhealthyZoneThreshold));
    const allFull = states.size > 0 && [...states.values()].every((s) => s === "FullDisruption");
    if (allFull !== this.masterDisruption) {
      this.masterDisruption = allFull;
      this.context.log(
        allFull
          ? "Controller detected that all Nodes are not-Ready. Entering master disruption mode."
          : "Controller detected that some Nodes are Ready. Exiting master disruption mode.",
      );
      // Leaving it, every node gets a fresh grace period (upstream resets the probe timestamps).
      if (!allFull) for (const health of this.health.values()) health.probeTimestamp = now;
      for (const node of nodes) if (node.metadata?.name) this.queue.add(node.metadata.name);
    }
    for (const [zone, state] of states) {
      const rate = zoneTaintRate(state, byZone.get(zone)?.length ?? 0, this.rates);
      const known = this.zones.get(zone);
      if (!known) this.zones.set(zone, { state, limiter: new TokenBucket(rate, 1, now) });
      else if (known.state !== state) {
        this.context.log(`zone "${zone}" is now in state ${state}: NoExecute taints at ${rate} per second`);
        known.state = state;
        known.limiter.setRate(rate, now);
      }
    }
    for (const zone of this.zones.keys()) if (!states.has(zone)) this.zones.delete(zone);
  }

  /** How this sync may move the node's NoExecute taints (upstream's rate-limited NoExecute tainter). */
  private noExecuteMode(node: Node, name: string, at: string): NoExecuteMode {
    if (this.masterDisruption) return "remove";
    if (!wantsNoExecuteAdded(node, at)) return "add";
    const zone = this.zones.get(zoneOf(node));
    if (zone?.limiter.tryTake(this.now())) return "add";
    // No token (or no health pass yet to know the zone): NoSchedule now, NoExecute later.
    const rate = zone?.limiter.rate ?? 0;
    this.queue.addAfter(name, rate > 0 ? Math.ceil(1000 / rate) : 5000);
    return "keep";
  }

  private observe(node: Node, now: number): NodeHealth {
    const name = node.metadata?.name ?? "";
    const lease = this.leases.get(`kube-node-lease/${name}`);
    const renewTime = lease?.spec?.renewTime;
    const heartbeat = readyCondition(node)?.lastHeartbeatTime;
    let health = this.health.get(name);
    if (!health) {
      // A node first seen (or seen after a controller restart) gets a full grace period.
      health = {
        probeTimestamp: now,
        leaseRenewTime: renewTime,
        heartbeat,
        readyStatus: readyCondition(node)?.status,
      };
      this.health.set(name, health);
    }
    if (renewTime !== health.leaseRenewTime || heartbeat !== health.heartbeat) {
      health.probeTimestamp = now;
      health.leaseRenewTime = renewTime;
      health.heartbeat = heartbeat;
    }
    return health;
  }

  private async checkNode(node: Node, now: number): Promise<void> {
    const name = node.metadata?.name ?? "";
    const health = this.observe(node, now);
    let current = node;
    if (now - health.probeTimestamp > this.gracePeriodMs) {
      const conditions = unknownConditions(node, seconds(now));
      if (conditions) {
        this.context.log(
          `node ${name} hasn't been updated for ${now - health.probeTimestamp} ms: marking it Unknown`,
        );
        const updated: Node = { ...node, status: { ...node.status, conditions } };
        current = await resource<Node>(this.context.client, "nodes").updateStatus(updated);
      }
    }
    const ready = readyCondition(current)?.status;
    if (ready !== "True" && health.readyStatus === "True") {
      this.recorder.event(
        { ...current, apiVersion: "v1", kind: "Node" },
        "Normal",
        "NodeNotReady",
        `Node ${name} status is now: NodeNotReady`,
      );
      await this.markPodsNotReady(name);
    }
    health.readyStatus = ready;
  }

  /** Upstream MarkPodsNotReady: the Ready condition of the node's pods goes False. */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    const now = seconds(this.now());
    for (const pod of this.pods.byIndex(POD_NODE_NAME_INDEX, nodeName)) {
      const ready = podReadyCondition(pod);
      if (!ready || ready.status === "False" || pod.metadata?.deletionTimestamp) continue;
      const updated = structuredClone(pod);
      for (const c of updated.status?.conditions ?? []) {
        if (c.type !== "Ready") continue;
        c.status = "False";
        c.lastTransitionTime = now;
      }
      try {
        await resource(this.context.client, "pods")
          .namespace(pod.metadata?.namespace ?? "")
          .updateStatus(updated);
        this.recorder.event(
          { ...pod, apiVersion: "v1", kind: "Pod" },
          "Warning",
          "NodeNotReady",
          "Node is not ready",
        );
      } catch (error) {
        if (!isStatus(error, 404))
          this.context.log(`pod ${pod.metadata?.name}: mark not ready: ${(error as Error).message}`);
      }
    }
  }

  /** Keeps the node's controller-owned taints in line with its conditions. */
  async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const at = seconds(this.now());
    const taints = reconcileTaints(node, at, this.noExecuteMode(node, name, at));
    if (!taints) return;
    const updated: Node = { ...node, spec: { ...node.spec, taints } };
    try {
      await resource(this.context.client, "nodes").update(updated);
      const keys = taints.map((t) => `${t.key}:${t.effect}`).join(", ") || "none";
      this.context.log(`node ${name}: taints now ${keys}`);
    } catch (error) {
      if (isStatus(error, 404)) return;
      // A conflict means a newer node is on its way through the informer; retry from it.
      throw error;
    }
  }
}

function startNodeLifecycle(context: ControllerContext, options: NodeLifecycleOptions): ControllerRun {
  const controller = new NodeLifecycleController(context, options);
  const period = options.monitorPeriodMs ?? 5000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The pass in flight, so stop() waits for it rather than racing its writes.
  let pass: Promise<void> = Promise.resolve();
  const tick = (): void => {
    pass = controller.monitorNodeHealth().finally(() => {
      if (!stopped) timer = setTimeout(tick, period);
    });
  };
  return runQueueController(context, controller, {
    // Not awaited: the taint workers run meanwhile; only the health passes wait for the start.
    onSynced: () => {
      const start = context.options.nodeHealthStart;
      if (!start) return tick();
      context.log("node health: waiting for this server's kubelets to start before judging heartbeats");
      void start.then(
        () => {
          if (stopped) return;
          context.log("node health: kubelets started; every node's grace period starts now");
          tick();
        },
        () => undefined,
      );
    },
    onStop: async () => {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  });
}

/** The `nodelifecycle` controller with `options` overriding the command's flags (tests). */
export function nodeLifecycleControllerWith(options: NodeLifecycleOptions): ControllerDescriptor {
  return { name: "nodelifecycle", start: (context) => startNodeLifecycle(context, options) };
}

export const nodeLifecycleController: ControllerDescriptor = nodeLifecycleControllerWith({});
