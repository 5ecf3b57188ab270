// Writes pod status to the API (upstream pkg/kubelet/status/status_manager.go): only when it
// changed, one write in flight per pod, the latest status winning; static pods' status goes to
// their mirror pod. Once a deleted pod's containers are gone it finishes the deletion (grace 0).

import type { Pod, PodStatus } from "kubernetes-types/core/v1";
import { type ApiClient, isStatus } from "../../lib/client/api-client.ts";
import { resource } from "../../lib/client/resource-client.ts";

function podsOf(client: ApiClient, pod: Pod) {
  return resource<Pod>(client, "pods").namespace(pod.metadata?.namespace ?? "default");
}

/** Status without the timestamps that change on every computation, for change detection. */
function comparable(status: PodStatus): string {
  return JSON.stringify({
    ...status,
    conditions: status.conditions?.map((c) => [c.type, c.status, c.reason]),
  });
}

/**
 * The part of a status only the kubelet knows (phase, IP, container states), in a form that does
 * not depend on key order or defaulting. Conditions are left out: controllers legitimately set
 * them too (the node lifecycle controller's Ready=False on an unreachable node).
 */
function summary(status: PodStatus | undefined): string {
  const containers = (list: PodStatus["containerStatuses"]) =>
    (list ?? []).map((c) => [c.name, c.ready, c.restartCount, Object.keys(c.state ?? {})[0]]);
  return JSON.stringify([
    status?.phase,
    status?.podIP,
    containers(status?.initContainerStatuses),
    containers(status?.containerStatuses),
  ]);
}

/** JSON with sorted keys, undefined left out: equal for equal values however they were built. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            // A null member is stored as absent (the apiserver drops `lastProbeTime: null`).
            .filter(([, member]) => member !== null)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/**
 * The API object already holds every field of `status` (upstream syncPod: an empty patch is not
 * sent). A restarted kubelet that adopts running pods then writes nothing for them.
 */
function alreadyStored(target: Pod, status: PodStatus): boolean {
  const stored = target.status as Record<string, unknown> | undefined;
  if (!stored) return false;
  return Object.entries(status).every(([k, v]) => v === undefined || canonical(v) === canonical(stored[k]));
}

export class StatusManager {
  private readonly written = new Map<string, string>();
  /** The summary of the last status written, to notice another writer changing it. */
  private readonly writtenSummary = new Map<string, string>();
  private readonly pending = new Map<string, { pod: Pod; status: PodStatus }>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly client: ApiClient,
    private readonly log: (line: string) => void,
  ) {}

  /** `target` is the API object to write (the pod itself, or a static pod's mirror pod). */
  set(target: Pod, status: PodStatus): void {
    const key = target.metadata?.uid ?? "";
    const text = comparable(status);
    if (this.written.get(key) === text && !this.pending.has(key)) return;
    const idle = !this.written.has(key) && !this.pending.has(key) && !this.inFlight.has(key);
    if (idle && alreadyStored(target, status)) {
      this.written.set(key, text);
      this.writtenSummary.set(key, summary(status));
      return;
    }
    this.pending.set(key, { pod: target, status });
    void this.flush(key);
  }

  private async flush(key: string): Promise<void> {
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    try {
      for (let next = this.pending.get(key); next; next = this.pending.get(key)) {
        this.pending.delete(key);
        const text = comparable(next.status);
        if (this.written.get(key) === text) continue;
        try {
          await podsOf(this.client, next.pod).patch(
            next.pod.metadata?.name ?? "",
            { metadata: { uid: next.pod.metadata?.uid }, status: next.status },
            "merge",
            "status",
          );
          this.written.set(key, text);
          this.writtenSummary.set(key, summary(next.status));
        } catch (error) {
          if (isStatus(error, 404)) break; // gone: nothing to write
          if (isStatus(error, 409) && this.conflicts(key) > 5) break; // replaced by a pod with another UID
          this.log(
            `pod ${next.pod.metadata?.namespace}/${next.pod.metadata?.name}: status update failed: ${(error as Error).message}`,
          );
          if (!this.pending.has(key)) this.pending.set(key, next);
          await new Promise((r) => setTimeout(r, isStatus(error, 409) ? 50 : 1000));
        }
      }
    } finally {
      this.inFlight.delete(key);
    }
    // A set() that arrived after the loop gave up is not left behind.
    if (this.pending.has(key)) void this.flush(key);
  }

  private readonly conflictCounts = new Map<string, number>();
  private conflicts(key: string): number {
    const n = (this.conflictCounts.get(key) ?? 0) + 1;
    this.conflictCounts.set(key, n);
    if (n > 5) this.conflictCounts.delete(key);
    return n;
  }

  /**
   * An update of the pod from the API: when its status is not what this kubelet last wrote
   * (another writer, or a write that was lost), forget the write so the next report rewrites it.
   * Returns true when the caller should report again.
   */
  observe(pod: Pod): boolean {
    const key = pod.metadata?.uid ?? "";
    const wrote = this.writtenSummary.get(key);
    if (wrote === undefined || this.pending.has(key) || this.inFlight.has(key)) return false;
    if (summary(pod.status) === wrote) return false;
    this.written.delete(key);
    this.writtenSummary.delete(key);
    return true;
  }

  /** Finishes a graceful deletion once the kubelet stopped the pod (upstream: canBeDeleted). */
  async finishDeletion(pod: Pod): Promise<void> {
    try {
      await podsOf(this.client, pod).delete(pod.metadata?.name ?? "", {
        gracePeriodSeconds: 0,
        uid: pod.metadata?.uid,
      });
    } catch (error) {
      if (!isStatus(error, 404) && !isStatus(error, 409)) throw error;
    }
    this.forget(pod);
  }

  forget(pod: Pod): void {
    const key = pod.metadata?.uid ?? "";
    this.written.delete(key);
    this.writtenSummary.delete(key);
    this.pending.delete(key);
  }
}
