// kube's image content store under the kubelet root dir (containerd's content + snapshot stores in
// one): blobs by digest, verified while written and renamed into place; layers unpacked once into a
// directory per diff_id shared by every container; an index of images by reference.

import { randomUUID } from "node:crypto";
import { createWriteStream, existsSync, statSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DigestVerifier, digestHex } from "./digest.ts";
import { unpackLayer } from "./layer-unpack.ts";
import type { StoredImage } from "./stored-image.ts";

export class ContentStore {
  private index: Map<string, StoredImage> | undefined;
  private indexVersion = "";
  private writes: Promise<void> = Promise.resolve();
  private readonly blobsInFlight = new Map<string, Promise<void>>();
  private readonly layersInFlight = new Map<string, Promise<string>>();

  constructor(readonly root: string) {}

  blobPath(digest: string): string {
    return join(this.root, "blobs", "sha256", digestHex(digest));
  }

  /** The read-only directory of an unpacked layer (what an overlay mounts as a lowerdir). */
  layerDir(diffId: string): string {
    return join(this.root, "layers", "sha256", digestHex(diffId));
  }

  hasBlob(digest: string): boolean {
    return existsSync(this.blobPath(digest));
  }

  hasLayer(diffId: string): boolean {
    return existsSync(this.layerDir(diffId));
  }

  async readBlob(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  /** A fresh path under the store for a temporary file or dir (same filesystem: rename works). */
  async tempPath(prefix: string): Promise<string> {
    const dir = join(this.root, "tmp");
    await mkdir(dir, { recursive: true });
    return join(dir, `${prefix}-${randomUUID()}`);
  }

  /**
   * Writes a blob unless present: streamed to a temp file, hashed, renamed into place only when
   * digest (and size, if known) match. A mismatch throws DigestError and leaves nothing behind.
   */
  async writeBlob(digest: string, source: () => AsyncIterable<Uint8Array>, size?: number): Promise<void> {
    if (this.hasBlob(digest)) return;
    const running = this.blobsInFlight.get(digest);
    if (running) return running;
    const write = this.doWriteBlob(digest, source(), size).finally(() => this.blobsInFlight.delete(digest));
    this.blobsInFlight.set(digest, write);
    return write;
  }

  private async doWriteBlob(digest: string, source: AsyncIterable<Uint8Array>, size?: number): Promise<void> {
    const target = this.blobPath(digest);
    await mkdir(join(this.root, "blobs", "sha256"), { recursive: true });
    const temp = await this.tempPath("blob");
    const verifier = new DigestVerifier();
    const out = createWriteStream(temp, { mode: 0o644 });
    const closed = new Promise<void>((resolve, reject) => {
      out.on("close", resolve);
      out.on("error", reject);
    });
    try {
      for await (const chunk of source) {
        verifier.update(chunk);
        if (size !== undefined && verifier.size > size) break;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", resolve));
      }
      out.end();
      await closed;
      verifier.verify(digest, size);
      await rename(temp, target);
    } catch (error) {
      out.destroy();
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Stores a blob whose digest is not known beforehand (an archive's file); returns its digest. */
  async importBlob(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<{ digest: string; size: number }> {
    await mkdir(join(this.root, "blobs", "sha256"), { recursive: true });
    const temp = await this.tempPath("import");
    const verifier = new DigestVerifier();
    const out = createWriteStream(temp, { mode: 0o644 });
    const closed = new Promise<void>((resolve, reject) => {
      out.on("close", resolve);
      out.on("error", reject);
    });
    try {
      for await (const chunk of source) {
        verifier.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", resolve));
      }
      out.end();
      await closed;
      const digest = verifier.digest();
      await rename(temp, this.blobPath(digest));
      return { digest, size: verifier.size };
    } catch (error) {
      out.destroy();
      await rm(temp, { force: true });
      throw error;
    }
  }

  /**
   * Unpacks a layer blob once into its diff_id directory; concurrent callers share the work.
   * The uncompressed tar must hash to `diffId`, or nothing is kept. Returns the directory.
   */
  async ensureLayer(blobDigest: string, diffId: string): Promise<string> {
    const dir = this.layerDir(diffId);
    if (existsSync(dir)) return dir;
    const running = this.layersInFlight.get(diffId);
    if (running) return running;
    const work = (async () => {
      await mkdir(join(this.root, "layers", "sha256"), { recursive: true });
      const temp = await this.tempPath("layer");
      try {
        await unpackLayer(this.blobPath(blobDigest), temp, diffId);
        await rename(`${temp}.json`, `${dir}.json`);
        await rename(temp, dir);
      } catch (error) {
        await rm(temp, { recursive: true, force: true });
        await rm(`${temp}.json`, { force: true });
        throw error;
      }
      return dir;
    })().finally(() => this.layersInFlight.delete(diffId));
    this.layersInFlight.set(diffId, work);
    return work;
  }

  /**
   * The index, read again when another process (`kube image import`) replaced images.json. The
   * stat is inline: it runs for every pod start, and a Bun fs promise costs the thread more.
   */
  private async load(): Promise<Map<string, StoredImage>> {
    const path = join(this.root, "images.json");
    let info: ReturnType<typeof statSync> | undefined;
    try {
      info = statSync(path, { throwIfNoEntry: false });
    } catch {
      // Unreadable: as absent.
    }
    const version = info ? `${info.mtimeMs}:${info.ino}:${info.size}` : "";
    if (this.index && version === this.indexVersion) return this.index;
    const images = new Map<string, StoredImage>();
    try {
      const parsed = JSON.parse(await readFile(path, "utf8")) as { images?: StoredImage[] };
      for (const image of parsed.images ?? []) images.set(image.id, image);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    this.index = images;
    this.indexVersion = version;
    return images;
  }

  /** Serialises index changes and writes the index atomically after each. */
  private mutate<T>(change: (images: Map<string, StoredImage>) => T): Promise<T> {
    const run = this.writes.then(async () => {
      const images = await this.load();
      const result = change(images);
      await mkdir(this.root, { recursive: true });
      const temp = await this.tempPath("index");
      await writeFile(temp, JSON.stringify({ images: [...images.values()] }, null, 1));
      await rename(temp, join(this.root, "images.json"));
      const info = await stat(join(this.root, "images.json"));
      this.index = images;
      this.indexVersion = `${info.mtimeMs}:${info.ino}:${info.size}`;
      return result;
    });
    this.writes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async list(): Promise<StoredImage[]> {
    return [...(await this.load()).values()].map((image) => structuredClone(image));
  }

  /** The image a normalised reference (`docker.io/library/busybox:1`, `...@sha256:`) names. */
  async find(reference: string): Promise<StoredImage | undefined> {
    for (const image of (await this.load()).values()) {
      if (image.references.includes(reference) || image.repoDigests.includes(reference))
        return structuredClone(image);
    }
    return undefined;
  }

  /** Records an image; a reference moves to it from any other image (a re-pushed tag). */
  async put(image: StoredImage): Promise<void> {
    await this.mutate((images) => {
      for (const other of images.values()) {
        if (other.id === image.id) continue;
        other.references = other.references.filter((ref) => !image.references.includes(ref));
      }
      const existing = images.get(image.id);
      if (existing) {
        image.references = [...new Set([...existing.references, ...image.references])];
        image.repoDigests = [...new Set([...existing.repoDigests, ...image.repoDigests])];
        image.createdAt = existing.createdAt;
      }
      images.set(image.id, image);
    });
  }

  async touch(id: string, now: number): Promise<void> {
    await this.mutate((images) => {
      const image = images.get(id);
      if (image) image.lastUsedAt = now;
    });
  }

  /**
   * Removes what a crash can leave: temp files, and blobs and layers no recorded image uses, all
   * older than `minAgeMs` (so a pull or import in progress keeps its work). Returns entries removed.
   */
  async sweep(now: number, minAgeMs: number): Promise<number> {
    const images = await this.list();
    const used = new Set(
      [...images.flatMap((i) => i.blobs), ...images.flatMap((i) => i.layers)].map((d) => d.slice(7)),
    );
    let removed = 0;
    const old = async (path: string): Promise<boolean> => {
      const info = await lstat(path).catch(() => undefined);
      return info !== undefined && now - info.mtimeMs >= minAgeMs;
    };
    const dirs: [string, (name: string) => boolean][] = [
      [join(this.root, "tmp"), () => true],
      [join(this.root, "blobs", "sha256"), (name) => !used.has(name)],
      [join(this.root, "layers", "sha256"), (name) => !used.has(name.replace(/\.json$/, ""))],
    ];
    for (const [dir, unused] of dirs) {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const path = join(dir, name);
        // An unpacked layer keeps its tar's mtime: its age is that of the facts file written with it.
        const age =
          dir.endsWith("layers/sha256") && !name.endsWith(".json") && existsSync(`${path}.json`)
            ? `${path}.json`
            : path;
        if (!unused(name) || !(await old(age))) continue;
        await rm(path, { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Removes those of `blobs` and `layers` that no recorded image uses (a failed pull's leftovers). */
  async prune(blobs: string[], layers: string[]): Promise<void> {
    const images = await this.mutate((all) => [...all.values()]);
    const usedBlobs = new Set(images.flatMap((image) => image.blobs));
    const usedLayers = new Set(images.flatMap((image) => image.layers));
    for (const digest of blobs) if (!usedBlobs.has(digest)) await rm(this.blobPath(digest), { force: true });
    for (const diffId of layers) {
      if (usedLayers.has(diffId)) continue;
      await rm(this.layerDir(diffId), { recursive: true, force: true });
      await rm(`${this.layerDir(diffId)}.json`, { force: true });
    }
  }

  /** Removes an image and every blob and layer no remaining image uses; returns bytes freed. */
  async remove(id: string): Promise<number> {
    const orphans = await this.mutate((images) => {
      const image = images.get(id);
      if (!image) return { blobs: [], layers: [] };
      images.delete(id);
      const usedBlobs = new Set([...images.values()].flatMap((other) => other.blobs));
      const usedLayers = new Set([...images.values()].flatMap((other) => other.layers));
      return {
        blobs: image.blobs.filter((digest) => !usedBlobs.has(digest)),
        layers: image.layers.filter((diffId) => !usedLayers.has(diffId)),
      };
    });
    let freed = 0;
    for (const digest of orphans.blobs) {
      const path = this.blobPath(digest);
      freed += (await stat(path).catch(() => undefined))?.size ?? 0;
      await rm(path, { force: true });
    }
    for (const diffId of orphans.layers) {
      await rm(this.layerDir(diffId), { recursive: true, force: true });
      await rm(`${this.layerDir(diffId)}.json`, { force: true });
    }
    return freed;
  }
}
