// The scheduler proper (upstream pkg/scheduler/schedule_one.go): pop a pod, run the cycle,
// assume it on the chosen node and bind asynchronously (Scheduled event); on failure try
// preemption, record FailedScheduling with upstream's message, set PodScheduled=False
// (Unschedulable) and park the pod in the queue until a cluster event or its back-off.

import type { Pod } from "kubernetes-types/core/v1";
import { type ApiClient, isStatus } from "../../lib/client/api-client.ts";
import { type ResourceClient, resource } from "../../lib/client/resource-client.ts";
import { createEventRecorder, type EventRecorder } from "../../lib/events/event-recorder.ts";
import { EventSink } from "../../lib/events/event-sink.ts";
import { fitErrorMessage } from "./fit-error.ts";
import { Nominator } from "./nominator.ts";
import type { PodInfo } from "./pod-info.ts";
import { preempt } from "./preemption.ts";
import { SchedulerCache } from "./scheduler-cache.ts";
import { type Cycle, type Profile, SchedulingAlgorithm } from "./scheduling-algorithm.ts";
import { type QueuedPod, SchedulingQueue } from "./scheduling-queue.ts";

export interface SchedulerOptions {
  client: ApiClient;
  /** Pods whose spec.schedulerName is this are ours (default "default-scheduler"). */
  schedulerName?: string;
  profile: Profile;
  log(line: string): void;
  now?: () => Date;
  /** Share of nodes to find feasible before scoring; adaptive when unset (upstream default). */
  percentageOfNodesToScore?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Bindings in flight at once (default 100). */
  parallelBindings?: number;
}

const NO_NODES = "no nodes available to schedule pods";

function podRef(pod: Pod) {
  return { ...pod, apiVersion: "v1", kind: "Pod" };
}

export class Scheduler {
  readonly name: string;
  readonly cache = new SchedulerCache();
  readonly nominator = new Nominator();
  readonly queue: SchedulingQueue;
  readonly algorithm: SchedulingAlgorithm;
  private readonly recorder: EventRecorder;
  private readonly client: ApiClient;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;
  private readonly parallelBindings: number;
  private bindingsInFlight = 0;
  private readonly bindingDone: Array<() => void> = [];
  private readonly pendingBindings = new Set<Promise<void>>();
  /** The pods resource per namespace (a binding, a status patch per pod). */
  private readonly podClients = new Map<string, ResourceClient<Pod>>();
  /** Pods bound so far (for logs and benchmarks). */
  bound = 0;

  constructor(options: SchedulerOptions) {
    this.name = options.schedulerName ?? "default-scheduler";
    this.client = options.client;
    this.log = options.log;
    this.now = options.now ?? (() => new Date());
    this.parallelBindings = options.parallelBindings ?? 100;
    this.queue = new SchedulingQueue({
      initialBackoffMs: options.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      now: () => this.now().getTime(),
    });
    this.algorithm = new SchedulingAlgorithm(options.profile, this.cache, this.nominator, {
      percentageOfNodesToScore: options.percentageOfNodesToScore,
    });
    // Upstream's scheduler records through tools/events, a goroutine per event: a burst of
    // bindings is not dropped behind one write at a time (nor behind a 1000-event queue).
    const sink = new EventSink({
      client: this.client,
      concurrency: 16,
      maxQueued: 100_000,
      log: this.log,
    });
    this.recorder = createEventRecorder({
      client: this.client,
      component: this.name,
      log: this.log,
      now: this.now,
      sink,
    });
  }

  responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName || "default-scheduler") === this.name;
  }

  /** Schedules pods until the queue closes, yielding to I/O between bursts. */
  async run(): Promise<void> {
    let lastYield = performance.now();
    for (;;) {
      if (this.bindingsInFlight >= this.parallelBindings)
        await new Promise<void>((resolve) => this.bindingDone.push(resolve));
      const qp = await this.queue.pop();
      if (!qp) break;
      this.scheduleOne(qp);
      if (performance.now() - lastYield > 5) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    await Promise.all(this.pendingBindings);
  }

  /** One scheduling cycle for a popped pod; the binding runs on in the background. */
  scheduleOne(qp: QueuedPod): void {
    const info = qp.info;
    if (info.pod.metadata?.deletionTimestamp || this.cache.nodeOf(info.key) !== undefined) {
      this.queue.done(info.key);
      return;
    }
    const result = this.algorithm.schedule(info);
    if ("node" in result) {
      this.cache.assume(info, result.node);
      const binding = this.bind(qp, result.node).finally(() => this.pendingBindings.delete(binding));
      this.pendingBindings.add(binding);
      return;
    }
    const { fitError, cycle } = result;
    if (fitError.numAllNodes === 0) {
      qp.unschedulablePlugins = new Set();
      this.fail(qp, NO_NODES, false, undefined);
      return;
    }
    qp.unschedulablePlugins = new Set();
    for (const status of fitError.nodeStatuses.values())
      if (status.plugin) qp.unschedulablePlugins.add(status.plugin);
    const nominated = this.preempt(info, fitError, cycle);
    if (nominated === undefined && info.pod.status?.nominatedNodeName) this.nominator.remove(info.key);
    this.fail(qp, fitErrorMessage(fitError), false, nominated ?? "");
  }

  /** Runs preemption; returns the nominated node, or sets the fit error's preemption message. */
  private preempt(info: PodInfo, fitError: Parameters<typeof fitErrorMessage>[0], cycle: Cycle) {
    const result = preempt({
      pod: info,
      fitError,
      nodes: this.cache.nodes(),
      nodeInfo: (name) => this.cache.nodeInfo(name),
      fits: (node) => this.algorithm.runFilters(cycle.filters, cycle.state, info, node),
    });
    if ("message" in result) {
      fitError.postFilterMessage = result.message;
      return undefined;
    }
    const { node, victims } = result.candidate;
    this.nominator.set(info, node);
    for (const victim of victims) {
      const meta = victim.pod.metadata ?? {};
      if (meta.deletionTimestamp) continue;
      this.pods(victim.namespace)
        .delete(meta.name ?? "")
        .then(() =>
          this.recorder.event(
            podRef(victim.pod),
            "Normal",
            "Preempted",
            `Preempted by pod ${info.pod.metadata?.uid} on node ${node}`,
          ),
        )
        .catch((error: Error) => {
          if (!isStatus(error, 404)) this.log(`preempting ${victim.key}: ${error.message}`);
        });
    }
    this.log(`pod ${info.key} nominated to ${node}, preempting ${victims.map((v) => v.key).join(", ")}`);
    return node;
  }

  private async bind(qp: QueuedPod, nodeName: string): Promise<void> {
    const { key, namespace } = qp.info;
    const name = qp.info.pod.metadata?.name ?? "";
    this.bindingsInFlight++;
    try {
      await this.pods(namespace).createSubresource(name, "binding", {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name, namespace, uid: qp.info.pod.metadata?.uid },
        target: { apiVersion: "v1", kind: "Node", name: nodeName },
      });
      this.bound++;
      this.nominator.remove(key);
      this.queue.done(key);
      this.recorder.event(
        podRef(qp.info.pod),
        "Normal",
        "Scheduled",
        `Successfully assigned ${namespace}/${name} to ${nodeName}`,
      );
    } catch (error) {
      this.cache.forget(key);
      this.queue.moveAllToActiveOrBackoff();
      if (isStatus(error, 404) || isStatus(error, 409)) {
        // Gone, being deleted or bound by someone else: nothing left to schedule.
        this.queue.done(key);
        this.log(`binding ${key} to ${nodeName}: ${(error as Error).message}`);
        return;
      }
      qp.unschedulablePlugins = new Set();
      this.fail(qp, `Binding rejected: ${(error as Error).message}`, true, undefined);
    } finally {
      this.bindingsInFlight--;
      this.bindingDone.shift()?.();
    }
  }

  /**
   * Records the failure and requeues the pod. `nominated`: the node to nominate, "" to clear a
   * nomination, undefined to leave it.
   */
  private fail(qp: QueuedPod, message: string, error: boolean, nominated: string | undefined): void {
    const pod = qp.info.pod;
    this.recorder.event(podRef(pod), "Warning", "FailedScheduling", message);
    this.queue.addUnschedulable(qp, error);
    const current = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    const nominationChanges = nominated !== undefined && nominated !== (pod.status?.nominatedNodeName ?? "");
    if (
      current?.status === "False" &&
      current.reason === "Unschedulable" &&
      current.message === message &&
      !nominationChanges
    )
      return;
    const status: Record<string, unknown> = {
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message,
          lastProbeTime: null,
          lastTransitionTime:
            current?.status === "False"
              ? current.lastTransitionTime
              : `${this.now().toISOString().slice(0, 19)}Z`,
        },
      ],
    };
    if (nominationChanges) status.nominatedNodeName = nominated || null;
    this.pods(qp.info.namespace)
      .patch(pod.metadata?.name ?? "", { status }, "strategic", "status")
      .catch((e: Error) => {
        if (!isStatus(e, 404)) this.log(`updating the status of ${qp.info.key}: ${e.message}`);
      });
  }

  private pods(namespace: string): ResourceClient<Pod> {
    let client = this.podClients.get(namespace);
    if (!client) {
      client = resource<Pod>(this.client, "pods").namespace(namespace);
      if (this.podClients.size >= 1024) this.podClients.clear();
      this.podClients.set(namespace, client);
    }
    return client;
  }

  /** Stops scheduling; bindings already started finish. */
  stop(): void {
    this.queue.close();
  }
}
