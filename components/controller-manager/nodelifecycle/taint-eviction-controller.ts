// The taint eviction controller (upstream pkg/controller/tainteviction/taint_eviction.go): a pod
// on a node with NoExecute taints it does not tolerate is deleted at once; one that tolerates
// them for tolerationSeconds is deleted that long after the controller first saw it tainted,
// unless the taints go first. Events: TaintManagerEviction (marking / cancelling).

import type { Node, Pod, Taint } from "kubernetes-types/core/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import { type Informer, objectKey } from "../../../lib/informer/informer.ts";
import { addPodNodeNameIndexer, POD_NODE_NAME_INDEX } from "../../../lib/informer/pod-node-name-index.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { type ControllerRun, runQueueController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { evictionVerdict } from "./tolerations.ts";

interface Scheduled {
  uid: string;
  /** When the controller first saw this pod on a tainted node (ms). */
  createdAt: number;
  fireAt: number;
  timer?: ReturnType<typeof setTimeout>;
  /** The deletion was sent; nothing left to cancel. */
  fired: boolean;
}

const noExecute = (node: Node | undefined): Taint[] =>
  (node?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute");

const sameTaints = (a: Taint[], b: Taint[]): boolean =>
  JSON.stringify(a.map((t) => [t.key, t.value])) === JSON.stringify(b.map((t) => [t.key, t.value]));

export class TaintEvictionController {
  readonly queue = new WorkQueue();
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly recorder: EventRecorder;

  constructor(private readonly context: ControllerContext) {
    this.pods = context.informers.for<Pod>("/api/v1/pods");
    this.nodes = context.informers.for<Node>("/api/v1/nodes");
    addPodNodeNameIndexer(this.pods);
    this.recorder = context.recorder("taint-eviction-controller");
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.synced, this.nodes.synced]);
    const enqueueNode = (node: Node) => {
      for (const key of this.pods.indexKeys(POD_NODE_NAME_INDEX, node.metadata?.name ?? ""))
        this.queue.add(key);
    };
    this.nodes.addHandlers({
      onAdd: enqueueNode,
      onUpdate: (old, node) => {
        if (!sameTaints(noExecute(old), noExecute(node))) enqueueNode(node);
      },
      onDelete: enqueueNode,
    });
    this.pods.addHandlers({
      onAdd: (pod) => this.queue.add(objectKey(pod)),
      onUpdate: (old, pod) => {
        if (
          old.spec?.nodeName !== pod.spec?.nodeName ||
          old.metadata?.deletionTimestamp !== pod.metadata?.deletionTimestamp ||
          JSON.stringify(old.spec?.tolerations) !== JSON.stringify(pod.spec?.tolerations)
        )
          this.queue.add(objectKey(pod));
      },
      onDelete: (pod) => this.queue.add(objectKey(pod)),
    });
  }

  stop(): void {
    this.queue.shutDown();
    for (const s of this.scheduled.values()) clearTimeout(s.timer);
    this.scheduled.clear();
  }

  private cancel(key: string, pod: Pod | undefined): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    clearTimeout(s.timer);
    this.scheduled.delete(key);
    if (!s.fired && pod) {
      this.recorder.event(
        { ...pod, apiVersion: "v1", kind: "Pod" },
        "Normal",
        "TaintManagerEviction",
        `Cancelling deletion of Pod ${key}`,
      );
    }
  }

  async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || pod.metadata?.deletionTimestamp) {
      // Gone or going: forget it without an event.
      this.cancel(key, undefined);
      return;
    }
    const existing = this.scheduled.get(key);
    if (existing && existing.uid !== pod.metadata?.uid) this.cancel(key, undefined);
    const verdict = evictionVerdict(noExecute(this.nodes.get(nodeName)), pod.spec?.tolerations ?? []);
    if (verdict.kind === "keep") {
      this.cancel(key, pod);
      return;
    }
    const now = this.context.clock.now();
    const current = this.scheduled.get(key);
    if (current?.fired) return;
    const createdAt = current?.createdAt ?? now;
    const fireAt = verdict.kind === "now" ? now : createdAt + verdict.seconds * 1000;
    if (current && current.fireAt === fireAt && fireAt > now) return;
    if (current) clearTimeout(current.timer);
    const entry: Scheduled = { uid: pod.metadata?.uid ?? "", createdAt, fireAt, fired: false };
    this.scheduled.set(key, entry);
    if (fireAt <= now) {
      await this.evict(key, pod, entry);
      return;
    }
    entry.timer = setTimeout(() => this.queue.add(key), fireAt - now);
  }

  /** Upstream addConditionAndDeletePod: a DisruptionTarget condition, then the deletion. */
  private async evict(key: string, pod: Pod, entry: Scheduled): Promise<void> {
    const ref = { ...pod, apiVersion: "v1", kind: "Pod" };
    this.recorder.event(ref, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`);
    const ns = pod.metadata?.namespace ?? "default";
    const pods = resource<Pod>(this.context.client, "pods").namespace(ns);
    const name = pod.metadata?.name ?? "";
    const now = `${this.context.now().toISOString().slice(0, 19)}Z`;
    try {
      const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== "DisruptionTarget");
      conditions.push({
        type: "DisruptionTarget",
        status: "True",
        reason: "DeletionByTaintManager",
        message: "Taint manager: deleting due to NoExecute taint",
        lastTransitionTime: now,
      });
      await pods.updateStatus({ ...pod, status: { ...pod.status, conditions } });
    } catch (error) {
      // The condition is informative; the deletion is what counts.
      if (!isStatus(error, 404))
        this.context.log(`pod ${key}: DisruptionTarget: ${(error as Error).message}`);
    }
    try {
      await pods.delete(name, { uid: pod.metadata?.uid });
      entry.fired = true;
      this.context.log(`evicted pod ${key} from node ${pod.spec?.nodeName}`);
    } catch (error) {
      if (isStatus(error, 404) || isStatus(error, 409)) {
        entry.fired = true;
        return;
      }
      // The entry stays due, so the retry deletes again.
      throw error;
    }
  }
}

function startTaintEviction(context: ControllerContext): ControllerRun {
  const controller = new TaintEvictionController(context);
  return runQueueController(context, controller, {
    onStop: () => controller.stop(),
  });
}

/** The `taint-eviction-controller`. */
export const taintEvictionController: ControllerDescriptor = {
  name: "taint-eviction-controller",
  start: startTaintEviction,
};
