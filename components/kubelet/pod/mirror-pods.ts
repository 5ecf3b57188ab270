// Mirror pods (upstream pkg/kubelet/pod/mirror_client.go): a joined kubelet shows each static pod
// in the API as a pod annotated with its config hash and owned by the Node; a stale or deleted
// mirror is replaced while the static pod runs, and removed with it.

import type { Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { CONFIG_HASH, CONFIG_MIRROR, isStaticPod } from "../sources/static-pod.ts";
import { podKey } from "./pod-key.ts";

export interface MirrorPodsOptions {
  /** Absent (standalone): there are no mirror pods. */
  client: ApiClient | undefined;
  nodeName: string;
  log(line: string): void;
  /** Every pod some source wants now. */
  desired(): Iterable<Pod>;
  /** A mirror was created for `pod` (the kubelet writes the static pod's status to it). */
  created(pod: Pod, mirror: Pod): void;
  /** Delay before a failed create is tried again (default 1 s). */
  retryMs?: number;
}

export class MirrorPods {
  private readonly mirrors = new Map<string, Pod>();
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(private readonly options: MirrorPodsOptions) {}

  /** The mirror pod of a static pod, if the API has one. */
  get(pod: Pod): Pod | undefined {
    return this.mirrors.get(podKey(pod));
  }

  /** The API reported a mirror pod (added or updated). */
  seen(mirror: Pod): void {
    this.mirrors.set(podKey(mirror), mirror);
  }

  /** The API reported a mirror pod deleted: one still wanted is created again (upstream). */
  gone(mirror: Pod): void {
    if (this.mirrors.get(podKey(mirror))?.metadata?.uid !== mirror.metadata?.uid) return;
    this.mirrors.delete(podKey(mirror));
    for (const pod of this.options.desired())
      if (isStaticPod(pod) && podKey(pod) === podKey(mirror)) void this.ensure(pod);
  }

  /** Creates the static pod's mirror, replacing one of an older version of the static pod. */
  async ensure(pod: Pod): Promise<void> {
    const { client, nodeName, log } = this.options;
    if (!client) return;
    const hash = pod.metadata?.annotations?.[CONFIG_HASH];
    const existing = this.mirrors.get(podKey(pod));
    if (
      existing &&
      existing.metadata?.annotations?.[CONFIG_MIRROR] === hash &&
      !existing.metadata?.deletionTimestamp
    )
      return;
    const pods = resource<Pod>(client, "pods").namespace(pod.metadata?.namespace ?? "");
    try {
      if (existing) {
        await pods.delete(pod.metadata?.name ?? "", {
          gracePeriodSeconds: 0,
          uid: existing.metadata?.uid,
        });
        this.mirrors.delete(podKey(pod));
      }
      const { uid: _uid, resourceVersion: _rv, ...meta } = pod.metadata ?? {};
      // Owned by the Node, as upstream's mirror_client.go sets it (NodeRestriction requires it).
      const node = await resource<{ metadata?: { uid?: string } }>(client, "nodes").getIfExists(nodeName);
      const owner = node?.metadata?.uid
        ? {
            ownerReferences: [
              { apiVersion: "v1", kind: "Node", name: nodeName, uid: node.metadata.uid, controller: true },
            ],
          }
        : {};
      const mirror: Pod = {
        ...structuredClone(pod),
        metadata: { ...meta, ...owner, annotations: { ...meta.annotations, [CONFIG_MIRROR]: hash ?? "" } },
      };
      const created = await pods.create(mirror);
      this.mirrors.set(podKey(pod), created);
      this.options.created(pod, created);
    } catch (error) {
      if (isStatus(error, 409)) return;
      log(`mirror pod for ${podKey(pod)}: ${(error as Error).message}; retrying`);
      this.retry(pod);
    }
  }

  /** Upstream retries on its next pod sync: here a timer, while the same static pod is wanted. */
  private retry(pod: Pod): void {
    const key = podKey(pod);
    if (this.stopped || this.retries.has(key)) return;
    const timer = setTimeout(() => {
      this.retries.delete(key);
      if (this.stopped) return;
      for (const p of this.options.desired())
        if (isStaticPod(p) && p.metadata?.uid === pod.metadata?.uid) void this.ensure(p);
    }, this.options.retryMs ?? 1000);
    this.retries.set(key, timer);
  }

  /** No more retries (the kubelet stops). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  /** Deletes the static pod's mirror, unless a newer version of the same static pod runs. */
  async delete(pod: Pod): Promise<void> {
    const { client, log } = this.options;
    const mirror = this.mirrors.get(podKey(pod));
    if (!client || !mirror || mirror.metadata?.annotations?.[CONFIG_MIRROR] !== pod.metadata?.uid) return;
    // A newer version of the same static pod keeps the name: its own mirror replaces this one.
    for (const p of this.options.desired()) if (podKey(p) === podKey(pod)) return;
    this.mirrors.delete(podKey(pod));
    const pods = resource(client, "pods").namespace(pod.metadata?.namespace ?? "");
    await pods
      .delete(pod.metadata?.name ?? "", { gracePeriodSeconds: 0, uid: mirror.metadata?.uid })
      .catch((error: Error) => {
        if (!isStatus(error, 404)) log(`mirror pod ${podKey(pod)}: delete failed: ${error.message}`);
      });
  }
}
