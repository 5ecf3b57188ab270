// The scheduling queue (upstream pkg/scheduler/backend/queue PriorityQueue): an active queue
// ordered by priority then arrival, a back-off queue (1 s doubling to 10 s per attempt) and
// the unschedulable pods, which cluster events (a node added or changed, a pod deleted) move
// back; a pod that failed while such an event happened during its cycle goes to back-off.

import type { PodInfo } from "./pod-info.ts";

export interface QueuedPod {
  info: PodInfo;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the pod first entered the queue (ms), its place among equal priorities. */
  timestamp: number;
  /** The scheduling cycle that popped it last. */
  cycle: number;
  backoffUntil: number;
  /** Plugins that rejected it last; empty means any event may help. */
  unschedulablePlugins: Set<string>;
}

export interface SchedulingQueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod may sit unschedulable before it is retried anyway (upstream 5 min). */
  maxUnschedulableMs?: number;
  now?: () => number;
}

type Where = "active" | "backoff" | "unschedulable" | "inflight";

const before = (a: QueuedPod, b: QueuedPod): boolean =>
  a.info.priority !== b.info.priority ? a.info.priority > b.info.priority : a.timestamp < b.timestamp;

/** Whether an event for `plugins` may help a pod rejected by `rejected` (empty: any event may). */
function helps(plugins: ReadonlySet<string>, rejected: Set<string>): boolean {
  if (rejected.size === 0) return true;
  for (const p of rejected) if (plugins.has(p)) return true;
  return false;
}

export class SchedulingQueue {
  private readonly heap: QueuedPod[] = [];
  private readonly entries = new Map<string, { where: Where; qp: QueuedPod; since: number }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly waiters: Array<(qp: QueuedPod | undefined) => void> = [];
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private closed = false;
  private readonly flushTimer: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(options: SchedulingQueueOptions = {}) {
    this.now = options.now ?? Date.now;
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    const maxUnschedulable = options.maxUnschedulableMs ?? 300_000;
    this.flushTimer = setInterval(() => this.flushUnschedulable(maxUnschedulable), 30_000);
    this.flushTimer.unref?.();
  }

  get activeLength(): number {
    return this.heap.length;
  }

  /** Where a pod is: "active", "backoff", "unschedulable", "inflight", or undefined. */
  where(key: string): Where | undefined {
    return this.entries.get(key)?.where;
  }

  /** A new pending pod (upstream Add). */
  add(info: PodInfo): void {
    if (this.closed) return;
    const entry = this.entries.get(info.key);
    if (entry) {
      entry.qp.info = info;
      return;
    }
    const qp: QueuedPod = {
      info,
      attempts: 0,
      timestamp: this.now(),
      cycle: 0,
      backoffUntil: 0,
      unschedulablePlugins: new Set(),
    };
    this.toActive(qp);
  }

  /** The pod changed; an unschedulable one whose spec or labels changed is retried (upstream Update). */
  update(info: PodInfo, relevant: boolean): void {
    const entry = this.entries.get(info.key);
    if (!entry) {
      this.add(info);
      return;
    }
    entry.qp.info = info;
    if (entry.where === "active") this.reheap();
    if (entry.where === "unschedulable" && relevant) this.requeue(entry.qp);
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.clearTimer(key);
    if (entry.where === "active") {
      const i = this.heap.indexOf(entry.qp);
      if (i >= 0) {
        this.heap.splice(i, 1);
        this.reheap();
      }
    }
  }

  /** The next pod to schedule, waiting for one; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    const qp = this.popNow();
    if (qp || this.closed) return Promise.resolve(qp);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Puts back a pod that failed its cycle (upstream AddUnschedulableIfNotPresent). */
  addUnschedulable(qp: QueuedPod, error: boolean): void {
    const entry = this.entries.get(qp.info.key);
    if (this.closed || !entry || entry.where !== "inflight") return;
    qp.info = entry.qp.info;
    qp.backoffUntil = this.now() + this.backoffDuration(qp.attempts);
    if (error || this.moveRequestCycle >= qp.cycle) this.toBackoff(qp);
    else this.entries.set(qp.info.key, { where: "unschedulable", qp, since: this.now() });
  }

  /** A pod left the scheduler's hands (bound or dropped). */
  done(key: string): void {
    if (this.entries.get(key)?.where === "inflight") this.entries.delete(key);
  }

  /**
   * A cluster event that may make unschedulable pods fit (upstream MoveAllToActiveOrBackoffQueue):
   * moves those rejected by one of `plugins` (all of them when `plugins` is undefined).
   */
  moveAllToActiveOrBackoff(plugins?: ReadonlySet<string>): void {
    // No copy of the entries: requeueing only replaces the value of a key already there, which a
    // Map iteration tolerates (this runs per node added and per bound pod added).
    for (const entry of this.entries.values()) {
      if (entry.where !== "unschedulable") continue;
      if (plugins && !helps(plugins, entry.qp.unschedulablePlugins)) continue;
      this.requeue(entry.qp);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.flushTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private backoffDuration(attempts: number): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts && d < this.maxBackoffMs; i++) d *= 2;
    return Math.min(d, this.maxBackoffMs);
  }

  private requeue(qp: QueuedPod): void {
    if (qp.backoffUntil > this.now()) this.toBackoff(qp);
    else this.toActive(qp);
  }

  private toBackoff(qp: QueuedPod): void {
    const key = qp.info.key;
    this.entries.set(key, { where: "backoff", qp, since: this.now() });
    this.clearTimer(key);
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        if (this.entries.get(key)?.qp === qp && this.entries.get(key)?.where === "backoff") this.toActive(qp);
      },
      Math.max(0, qp.backoffUntil - this.now()),
    );
    this.timers.set(key, timer);
  }

  private toActive(qp: QueuedPod): void {
    this.clearTimer(qp.info.key);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.entries.set(qp.info.key, { where: "inflight", qp, since: this.now() });
      this.begin(qp);
      waiter(qp);
      return;
    }
    this.entries.set(qp.info.key, { where: "active", qp, since: this.now() });
    this.heap.push(qp);
    this.siftUp(this.heap.length - 1);
  }

  private popNow(): QueuedPod | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop() as QueuedPod;
    if (this.heap.length) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    this.entries.set(top.info.key, { where: "inflight", qp: top, since: this.now() });
    this.begin(top);
    return top;
  }

  private begin(qp: QueuedPod): void {
    qp.attempts++;
    qp.cycle = ++this.schedulingCycle;
  }

  private flushUnschedulable(maxMs: number): void {
    const now = this.now();
    for (const entry of [...this.entries.values()])
      if (entry.where === "unschedulable" && now - entry.since > maxMs) this.requeue(entry.qp);
  }

  private clearTimer(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  private reheap(): void {
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as QueuedPod, h[parent] as QueuedPod)) break;
      [h[i], h[parent]] = [h[parent] as QueuedPod, h[i] as QueuedPod];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && before(h[l] as QueuedPod, h[best] as QueuedPod)) best = l;
      if (r < h.length && before(h[r] as QueuedPod, h[best] as QueuedPod)) best = r;
      if (best === i) return;
      [h[i], h[best]] = [h[best] as QueuedPod, h[i] as QueuedPod];
      i = best;
    }
  }
}
