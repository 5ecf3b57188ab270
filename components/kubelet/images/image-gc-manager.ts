// The kubelet's image garbage collector (upstream pkg/kubelet/images/image_gc_manager.go): when the
// content store's filesystem is more than --image-gc-high-threshold percent used, delete images
// no container uses, least recently used first, until usage is under --image-gc-low-threshold.

import { statfs } from "node:fs/promises";
import type { Pod } from "kubernetes-types/core/v1";
import type { ContentStore } from "./oci/content-store.ts";
import { parseImageReference, referenceString } from "./oci/image-reference.ts";
import type { StoredImage } from "./oci/stored-image.ts";

export interface DiskUsage {
  capacityBytes: number;
  availableBytes: number;
}

export interface ImageGcPolicy {
  /** Percent of disk usage that starts a collection (upstream default 85). */
  highThresholdPercent: number;
  /** Percent the collection frees down to (upstream default 80). */
  lowThresholdPercent: number;
  /** Images detected more recently than this are kept (upstream --minimum-image-gc-age, 2 min). */
  minAgeMs: number;
}

/** Temp files and unreferenced content older than this are a crash's leftovers, not work in progress. */
const LEFTOVER_AGE_MS = 3_600_000;

export const DEFAULT_IMAGE_GC_POLICY: ImageGcPolicy = {
  highThresholdPercent: 85,
  lowThresholdPercent: 80,
  minAgeMs: 120_000,
};

export interface ImageGcOptions {
  store: ContentStore;
  policy?: ImageGcPolicy;
  /** Usage of the filesystem holding the store; default statfs(2) of the store's root. */
  usage?: () => Promise<DiskUsage>;
  /** References, repo digests or IDs of the images containers use now. */
  inUse: () => Promise<Set<string>> | Set<string>;
  now?: () => number;
}

export interface ImageGcResult {
  /** Image IDs removed. */
  removed: string[];
  freedBytes: number;
}

/** Thrown when the unused images cannot free enough space (upstream's message, for an ImageGCFailed event). */
export class ImageGcError extends Error {
  override name = "ImageGcError";
}

/** The images a set of pods uses, normalised as the store records references. */
export function imagesInUse(pods: Pod[]): Set<string> {
  const used = new Set<string>();
  for (const pod of pods) {
    const spec = pod.spec;
    for (const container of [
      ...(spec?.initContainers ?? []),
      ...(spec?.containers ?? []),
      ...(spec?.ephemeralContainers ?? []),
    ]) {
      const image = container.image ?? "";
      used.add(image);
      try {
        used.add(referenceString(parseImageReference(image)));
      } catch {}
    }
    for (const status of [
      ...(pod.status?.containerStatuses ?? []),
      ...(pod.status?.initContainerStatuses ?? []),
    ]) {
      if (status.imageID) used.add(status.imageID);
    }
  }
  return used;
}

async function statfsUsage(path: string): Promise<DiskUsage> {
  const fs = await statfs(path);
  return { capacityBytes: fs.blocks * fs.bsize, availableBytes: fs.bavail * fs.bsize };
}

export class ImageGcManager {
  private readonly policy: ImageGcPolicy;
  private readonly now: () => number;
  private readonly usage: () => Promise<DiskUsage>;

  constructor(private readonly options: ImageGcOptions) {
    this.policy = options.policy ?? DEFAULT_IMAGE_GC_POLICY;
    this.now = options.now ?? Date.now;
    this.usage = options.usage ?? (() => statfsUsage(options.store.root));
    const { highThresholdPercent: high, lowThresholdPercent: low } = this.policy;
    if (!(high >= 0 && high <= 100))
      throw new Error(`invalid HighThresholdPercent ${high}, must be in range [0-100]`);
    if (!(low >= 0 && low <= 100))
      throw new Error(`invalid LowThresholdPercent ${low}, must be in range [0-100]`);
    if (low > high)
      throw new Error(`LowThresholdPercent ${low} can not be higher than HighThresholdPercent ${high}`);
  }

  /**
   * Collects every `intervalMs` (upstream ImageGCPeriod, 5 min); a failure goes to `onFailure`
   * (upstream records an ImageGCFailed Warning event on the Node). Returns the (async) stop function.
   */
  start(intervalMs = 300_000, onFailure: (message: string) => void = () => {}): () => Promise<void> {
    let running: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (running) return;
      running = this.garbageCollect()
        .then(() => undefined)
        .catch((error: unknown) => onFailure((error as Error).message))
        .finally(() => {
          running = undefined;
        });
    }, intervalMs);
    timer.unref?.();
    // Stopping waits for a pass in progress, so nothing writes to the store afterwards.
    return async () => {
      clearInterval(timer);
      await running;
    };
  }

  /** One collection pass (upstream GarbageCollect); throws ImageGcError when it cannot free enough. */
  async garbageCollect(): Promise<ImageGcResult> {
    // What a crash left (temp files, content of no image) goes first, whatever the disk usage.
    await this.options.store.sweep(this.now(), LEFTOVER_AGE_MS);
    const { capacityBytes, availableBytes } = await this.usage();
    if (capacityBytes <= 0) return { removed: [], freedBytes: 0 };
    const usagePercent = 100 - Math.floor((availableBytes * 100) / capacityBytes);
    if (usagePercent < this.policy.highThresholdPercent) return { removed: [], freedBytes: 0 };
    const amountToFree =
      Math.floor((capacityBytes * (100 - this.policy.lowThresholdPercent)) / 100) - availableBytes;
    const result = await this.freeSpace(amountToFree);
    if (result.freedBytes < amountToFree) {
      throw new ImageGcError(
        `Failed to garbage collect required amount of images. Attempted to free ${amountToFree} bytes, but only found ${result.freedBytes} bytes eligible to free.`,
      );
    }
    return result;
  }

  /** Deletes unused images, least recently used first, until `bytes` are freed (upstream freeSpace). */
  async freeSpace(bytes: number): Promise<ImageGcResult> {
    const used = await this.options.inUse();
    const now = this.now();
    const isUsed = (image: StoredImage): boolean =>
      used.has(image.id) ||
      image.references.some((r) => used.has(r)) ||
      image.repoDigests.some((r) => used.has(r));
    const candidates = (await this.options.store.list())
      .filter((image) => !isUsed(image) && now - image.createdAt >= this.policy.minAgeMs)
      .sort((a, b) => a.lastUsedAt - b.lastUsedAt || a.createdAt - b.createdAt);
    const result: ImageGcResult = { removed: [], freedBytes: 0 };
    for (const image of candidates) {
      if (result.freedBytes >= bytes) break;
      await this.options.store.remove(image.id);
      // Upstream counts the image's size as freed, shared layers included.
      result.freedBytes += image.size;
      result.removed.push(image.id);
    }
    return result;
  }
}
