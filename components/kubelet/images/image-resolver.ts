// CRI's ImageService (PullImage + ImageStatus) in one step. An image name resolves, in order, to
// an executable in the image directory (seed 000's images/hello), an OCI layout or archive there,
// an image in the content store, an image embedded in kube, or a pull from its registry.

import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Secret } from "kubernetes-types/core/v1";
import { embeddedImages } from "./embedded/embedded-images.ts";
import { embeddedImageName } from "./embedded-image-name.ts";
import { imageDirArchives } from "./image-dir-archives.ts";
import { imageNameCandidates } from "./image-name-candidates.ts";
import { ImagePullError } from "./image-pull-error.ts";
import { type ImageReference, InvalidReferenceError, parseImageReference } from "./oci/image-reference.ts";
import type { OciImageSource } from "./oci/oci-image-source.ts";
import { pullSecretCredentials } from "./oci/pull-secret-credentials.ts";
import type { ResolvedImage } from "./resolved-image.ts";

export type { ResolvedImage } from "./resolved-image.ts";

export interface ResolveOptions {
  /** The container's imagePullPolicy; absent: IfNotPresent. Local images are always present. */
  pullPolicy?: string;
  /** The pod's imagePullSecrets, read (dockerconfigjson or dockercfg). */
  pullSecrets?: Secret[];
  /** Called just before a registry pull starts (the kubelet's `Pulling` event). */
  onPulling?: () => void;
}

export interface ImageResolverOptions {
  /** Directory of executable files named like images (`--image-dir`); absent: embedded only. */
  imageDir?: string;
  /** How to run kube itself: `[process.execPath]` compiled, `[bun, "cmd/main.ts"]` from source. */
  kubeExecutable: string[];
  /** The content store and registry puller; absent: no OCI images (image dir and embedded only). */
  oci?: OciImageSource;
  /** Imports an OCI layout or archive found in the image dir; default: image-dir-archives.ts with `oci`. */
  importFromImageDir?: (image: string, ref: ImageReference | undefined) => Promise<ResolvedImage | undefined>;
}

export interface ImageResolver {
  /** Rejects with an ImagePullError when no source has the image or the pull fails. */
  resolve(image: string, options?: ResolveOptions): Promise<ResolvedImage>;
}

interface FileFacts {
  size: number;
  mtimeMs: number;
  ino: number;
}

interface HashedFile extends FileFacts {
  sha256: string;
  shebang: boolean;
}

async function readFileFacts(path: string): Promise<{ facts: FileFacts; executable: boolean } | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    return {
      facts: { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino },
      executable: (info.mode & 0o111) !== 0,
    };
  } catch {
    return undefined;
  }
}

async function hashFile(path: string, facts: FileFacts): Promise<HashedFile> {
  const hash = createHash("sha256");
  const file = await open(path, "r");
  let head = "";
  try {
    for await (const chunk of file.createReadStream()) {
      const bytes = chunk as Buffer;
      if (head.length < 2) head += bytes.subarray(0, 2 - head.length).toString("latin1");
      hash.update(bytes);
    }
  } finally {
    await file.close();
  }
  return { ...facts, sha256: hash.digest("hex"), shebang: head === "#!" };
}

/** Upstream's ErrImageNeverPull (pkg/kubelet/images/image_manager.go). */
function neverPull(image: string): ImagePullError {
  const message = `Container image "${image}" is not present with pull policy of Never`;
  return new ImagePullError(image, message, "ErrImageNeverPull");
}

export function createImageResolver(options: ImageResolverOptions): ImageResolver {
  const { imageDir, kubeExecutable } = options;
  const importFromImageDir =
    options.importFromImageDir ??
    (imageDir !== undefined && options.oci !== undefined
      ? imageDirArchives(imageDir, options.oci)
      : undefined);
  // Hashing a large binary per container start would be slow: remember it until the file changes.
  const hashes = new Map<string, HashedFile>();

  const fromImageDir = async (image: string, skipped: string[]): Promise<ResolvedImage | undefined> => {
    if (imageDir === undefined) return undefined;
    for (const name of imageNameCandidates(image)) {
      const path = join(imageDir, name);
      const found = await readFileFacts(path);
      if (found === undefined) continue;
      if (!found.executable) {
        skipped.push(path);
        continue;
      }
      let hashed = hashes.get(path);
      const { facts } = found;
      if (hashed?.size !== facts.size || hashed.mtimeMs !== facts.mtimeMs || hashed.ino !== facts.ino) {
        hashed = await hashFile(path, facts);
        hashes.set(path, hashed);
      }
      return {
        image,
        imageID: `file://${path}@sha256:${hashed.sha256}`,
        // A file without `#!` is a shell script, as execvp(3) treats one (seed 000's images/hello).
        entrypoint: hashed.shebang ? [path] : ["/bin/sh", path],
        args: [],
        source: "image-dir",
      };
    }
    return undefined;
  };

  const fromEmbedded = (image: string): ResolvedImage | undefined => {
    const name = embeddedImageName(
      image,
      embeddedImages.map((e) => e.name),
    );
    const embedded = embeddedImages.find((e) => e.name === name);
    if (embedded === undefined) return undefined;
    const base = { image, imageID: `kube://embedded/${embedded.name}`, source: "embedded" as const };
    switch (embedded.kind) {
      case "program":
        return { ...base, entrypoint: [...kubeExecutable, "image", embedded.name], args: [] };
      case "kube":
        return { ...base, entrypoint: [...kubeExecutable], args: [] };
      case "host-tools":
        return { ...base, entrypoint: [], args: [...embedded.defaultArgs] };
    }
  };

  const parse = (image: string): ImageReference | InvalidReferenceError => {
    try {
      return parseImageReference(image);
    } catch (error) {
      if (error instanceof InvalidReferenceError) return error;
      throw error;
    }
  };

  const fromStoreOrRegistry = async (
    image: string,
    ref: ImageReference,
    pull: ResolveOptions,
  ): Promise<ResolvedImage | undefined> => {
    const { oci } = options;
    if (oci === undefined) return undefined;
    const policy = pull.pullPolicy ?? "IfNotPresent";
    const stored = await oci.find(ref);
    // A digest names immutable content: Always need not ask the registry again.
    if (stored && (policy !== "Always" || ref.digest !== undefined)) return oci.resolved(image, stored);
    const embedded = fromEmbedded(image);
    if (embedded) return embedded;
    if (policy === "Never") throw neverPull(image);
    pull.onPulling?.();
    const started = Date.now();
    try {
      const credentials = pullSecretCredentials(pull.pullSecrets ?? [], ref);
      const { image: pulled } = await oci.pull(ref, credentials);
      const resolved = await oci.resolved(image, pulled);
      return { ...resolved, pulled: { durationMs: Date.now() - started, size: pulled.size } };
    } catch (error) {
      throw new ImagePullError(image, (error as Error).message);
    }
  };

  return {
    resolve: async (image, resolveOptions = {}) => {
      const candidates = imageNameCandidates(image);
      if (candidates.length === 0) throw new ImagePullError(image, `invalid image name "${image}"`);
      const skipped: string[] = [];
      const local = await fromImageDir(image, skipped);
      if (local !== undefined) return local;
      const ref = parse(image);
      const imported = await importFromImageDir?.(image, ref instanceof Error ? undefined : ref);
      if (imported !== undefined) return imported;
      if (ref instanceof Error) {
        const embedded = fromEmbedded(image);
        if (embedded) return embedded;
        throw new ImagePullError(
          image,
          `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${ref.message}`,
          "InvalidImageName",
        );
      }
      const resolved = (await fromStoreOrRegistry(image, ref, resolveOptions)) ?? fromEmbedded(image);
      if (resolved !== undefined) return resolved;
      if (resolveOptions.pullPolicy === "Never") throw neverPull(image);
      const names = candidates.map((name) => `"${name}"`).join(" or ");
      const where = imageDir === undefined ? "no --image-dir given" : `no executable ${names} in ${imageDir}`;
      const hint =
        skipped.length === 0 ? "" : ` (${skipped.join(", ")} exists but is not executable: chmod +x)`;
      const embedded = embeddedImages.map((e) => e.name).join(", ");
      throw new ImagePullError(
        image,
        `image "${image}" not found: ${where}${hint} and no embedded image of that name (embedded: ${embedded})`,
      );
    },
  };
}
