// Image "pulls" without a registry: an image name resolves to a local program, first an
// executable file in the image directory (seed 000's images/hello), then an image embedded in
// kube. Stands in for CRI's ImageService (PullImage + ImageStatus) in one read-only step.

import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { embeddedImages } from "./embedded/embedded-images.ts";
import { imageNameCandidates } from "./image-name-candidates.ts";
import { ImagePullError } from "./image-pull-error.ts";

export interface ResolvedImage {
  /** The image as the pod spec names it. */
  image: string;
  /** `kube://embedded/<name>` or `file://<path>@sha256:<hex of the file's contents>`. */
  imageID: string;
  /** The image's entrypoint (replaced by a container's `command`). */
  entrypoint: string[];
  /** The image's default arguments (replaced by a container's `args`). */
  args: string[];
  source: "image-dir" | "embedded" | "oci";
  /** Present for OCI images: the unpacked layers, lowest first (read-only dirs), and config. */
  rootfs?: { layers: string[]; user?: string; workingDir?: string; env: string[] };
}

export interface ImageResolverOptions {
  /** Directory of executable files named like images (`--image-dir`); absent: embedded only. */
  imageDir?: string;
  /** How to run kube itself: `[process.execPath]` compiled, `[bun, "cmd/main.ts"]` from source. */
  kubeExecutable: string[];
}

export interface ImageResolver {
  /** Rejects with an ImagePullError when no local source has the image. */
  resolve(image: string): Promise<ResolvedImage>;
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

export function createImageResolver(options: ImageResolverOptions): ImageResolver {
  const { imageDir, kubeExecutable } = options;
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
    const candidates = imageNameCandidates(image);
    const embedded = embeddedImages.find((e) => candidates.includes(e.name));
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

  return {
    resolve: async (image) => {
      const candidates = imageNameCandidates(image);
      if (candidates.length === 0) throw new ImagePullError(image, `invalid image name "${image}"`);
      const skipped: string[] = [];
      const resolved = (await fromImageDir(image, skipped)) ?? fromEmbedded(image);
      if (resolved !== undefined) return resolved;
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
