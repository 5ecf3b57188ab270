// The content-store and registry half of image resolution: an image already in the store (by tag,
// repo digest or manifest digest), else a pull that several containers asking at once share.
// Stored images become ResolvedImages whose rootfs lists the unpacked layer dirs.

import type { ResolvedImage } from "../resolved-image.ts";
import { ContentStore } from "./content-store.ts";
import { type PullResult, pullImage } from "./image-puller.ts";
import { type ImageReference, referenceString, repositoryName } from "./image-reference.ts";
import type { RegistryCredentials } from "./registry-auth.ts";
import type { StoredImage } from "./stored-image.ts";

export interface OciImageSourceOptions {
  /** The content store's directory (`<root-dir>/images`). */
  root: string;
  now?: () => number;
  fetch?: typeof fetch;
}

/** How often a resolve records the image's last use (for GC), at most. */
const TOUCH_INTERVAL_MS = 60_000;

export class OciImageSource {
  readonly store: ContentStore;
  private readonly now: () => number;
  private readonly pulls = new Map<string, Promise<PullResult>>();

  constructor(private readonly options: OciImageSourceOptions) {
    this.store = new ContentStore(options.root);
    this.now = options.now ?? Date.now;
  }

  /** The stored image `ref` names, if any. */
  async find(ref: ImageReference): Promise<StoredImage | undefined> {
    const repo = repositoryName(ref);
    if (ref.digest !== undefined) {
      const digest = ref.digest;
      const byRepoDigest = await this.store.find(`${repo}@${digest}`);
      if (byRepoDigest) return byRepoDigest;
      const images = await this.store.list();
      return images.find(
        (i) => i.manifestDigest === digest && i.repoDigests.some((d) => d.startsWith(`${repo}@`)),
      );
    }
    return this.store.find(referenceString(ref));
  }

  /** Pulls `ref` (one pull per reference at a time). */
  async pull(ref: ImageReference, credentials: RegistryCredentials[]): Promise<PullResult> {
    const key = referenceString(ref);
    const running = this.pulls.get(key);
    if (running) return running;
    const pull = pullImage(this.store, ref, {
      credentials,
      now: this.now,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    }).finally(() => this.pulls.delete(key));
    this.pulls.set(key, pull);
    return pull;
  }

  /** The kubelet's view of a stored image; records its use for the image GC. */
  async resolved(image: string, stored: StoredImage): Promise<ResolvedImage> {
    const now = this.now();
    if (now - stored.lastUsedAt > TOUCH_INTERVAL_MS) await this.store.touch(stored.id, now);
    const { config } = stored;
    return {
      image,
      imageID: stored.repoDigests[0] ?? stored.id,
      entrypoint: [...config.entrypoint],
      args: [...config.cmd],
      source: "oci",
      rootfs: {
        layers: stored.layers.map((diffId) => this.store.layerDir(diffId)),
        ...(config.user === undefined ? {} : { user: config.user }),
        ...(config.workingDir === undefined ? {} : { workingDir: config.workingDir }),
        env: [...config.env],
      },
    };
  }
}
