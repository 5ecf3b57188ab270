// Pulls an image from its registry into the content store (containerd's pull + unpack): resolve
// the tag or digest, pick the node's platform from an index, fetch config and layers verified by
// digest, unpack each layer once, record the image. Messages follow containerd's wording.

import type { ContentStore } from "./content-store.ts";
import { DigestError, sha256Digest } from "./digest.ts";
import { parseImageConfig } from "./image-config.ts";
import { type Descriptor, parseManifest, selectPlatform } from "./image-manifest.ts";
import { type ImageReference, referenceString, repositoryName } from "./image-reference.ts";
import type { RegistryCredentials } from "./registry-auth.ts";
import { RegistryClient, RegistryError } from "./registry-client.ts";
import type { StoredImage } from "./stored-image.ts";

export interface PullOptions {
  /** Credentials to try in turn (pull secrets); anonymous when empty. */
  credentials: RegistryCredentials[];
  now: () => number;
  fetch?: typeof fetch;
  scheme?: "http" | "https";
}

export interface PullResult {
  image: StoredImage;
  /** Bytes fetched from the registry (0 when every blob was already in the store). */
  fetched: number;
}

/** A pull that failed, with the message the kubelet shows in its event. */
export class PullError extends Error {
  override name = "PullError";
}

async function resolveManifest(ref: ImageReference, options: PullOptions) {
  const name = referenceString(ref);
  const attempts = options.credentials.length === 0 ? [undefined] : options.credentials;
  let last: unknown;
  for (const credentials of attempts) {
    const client = new RegistryClient(ref, {
      ...(credentials ? { credentials } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.scheme ? { scheme: options.scheme } : {}),
    });
    try {
      return { client, manifest: await client.manifest(ref.digest ?? ref.tag ?? "latest") };
    } catch (error) {
      last = error;
      if (!(error instanceof RegistryError) || (error.status !== 401 && error.status !== 403)) break;
    }
  }
  const reason =
    last instanceof RegistryError && last.notFound ? `${name}: not found` : (last as Error).message;
  throw new PullError(`failed to resolve reference "${name}": ${reason}`);
}

function checked(bytes: Uint8Array, expected: string | undefined): string {
  const digest = sha256Digest(bytes);
  if (expected !== undefined && digest !== expected) {
    throw new DigestError(`unexpected commit digest ${digest}, expected ${expected}: failed precondition`);
  }
  return digest;
}

/** Pulls `ref` into `store`; throws PullError (`failed to pull and unpack image "<ref>": ...`). */
export async function pullImage(
  store: ContentStore,
  ref: ImageReference,
  options: PullOptions,
): Promise<PullResult> {
  const name = referenceString(ref);
  const created: { blobs: string[]; layers: string[] } = { blobs: [], layers: [] };
  try {
    const { client, manifest: top } = await resolveManifest(ref, options);
    const topDigest = checked(top.bytes, ref.digest);
    const blobs = [topDigest];
    if (!store.hasBlob(topDigest)) created.blobs.push(topDigest);
    await store.writeBlob(topDigest, async function* () {
      yield top.bytes;
    });
    let parsed = parseManifest(top.bytes, top.mediaType);
    let manifestDigest = topDigest;
    if (parsed.kind === "index") {
      const chosen: Descriptor = selectPlatform(parsed.manifests);
      const child = await client.manifest(chosen.digest);
      manifestDigest = checked(child.bytes, chosen.digest);
      blobs.push(manifestDigest);
      if (!store.hasBlob(manifestDigest)) created.blobs.push(manifestDigest);
      await store.writeBlob(manifestDigest, async function* () {
        yield child.bytes;
      });
      parsed = parseManifest(child.bytes, chosen.mediaType);
      if (parsed.kind !== "manifest") throw new PullError("an index inside an index is not supported");
    }
    let fetched = 0;
    const fetchBlob = async (d: Descriptor): Promise<void> => {
      if (store.hasBlob(d.digest)) return;
      created.blobs.push(d.digest);
      const body = await client.blob(d.digest);
      await store.writeBlob(d.digest, () => body, d.size);
      fetched += d.size;
    };
    await fetchBlob(parsed.config);
    const config = parseImageConfig(await store.readBlob(parsed.config.digest));
    if (config.diffIds.length !== parsed.layers.length) {
      throw new PullError(
        `mismatched image rootfs and manifest layers: ${config.diffIds.length} diff_ids, ${parsed.layers.length} layers`,
      );
    }
    const layers = parsed.layers;
    // Every layer settles before the pull reports: no unpack still running after a failure.
    const settled = await Promise.allSettled(
      layers.map(async (layer, i) => {
        const diffId = config.diffIds[i] ?? "";
        if (store.hasLayer(diffId)) return;
        created.blobs.push(layer.digest);
        created.layers.push(diffId);
        await fetchBlob(layer);
        await store.ensureLayer(layer.digest, diffId);
      }),
    );
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) throw failed.reason;
    const now = options.now();
    const image: StoredImage = {
      id: parsed.config.digest,
      manifestDigest,
      references: ref.tag === undefined ? [] : [`${repositoryName(ref)}:${ref.tag}`],
      repoDigests: [`${repositoryName(ref)}@${topDigest}`],
      blobs: [...blobs, parsed.config.digest, ...layers.map((l) => l.digest)],
      layers: config.diffIds,
      size: parsed.config.size + layers.reduce((sum, l) => sum + l.size, 0),
      config: config.facts,
      createdAt: now,
      lastUsedAt: now,
    };
    await store.put(image);
    return { image, fetched };
  } catch (error) {
    // Nothing of a failed pull stays unless a recorded image uses it.
    await store.prune(created.blobs, created.layers).catch(() => undefined);
    const inner =
      error instanceof DigestError ? `failed to copy: ${error.message}` : (error as Error).message;
    throw new PullError(`failed to pull and unpack image "${name}": ${inner}`);
  }
}
