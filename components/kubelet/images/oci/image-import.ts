// Imports images that arrive without a registry into the content store (`ctr images import`):
// an OCI image layout directory (image-spec image-layout.md), or a tar of one (an OCI archive), or a
// `docker save` archive (manifest.json + config + layer tars). Every blob is verified by digest.

import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline, type Readable } from "node:stream";
import type * as Zlib from "node:zlib";
import { extract } from "tar-stream";
import type { ContentStore } from "./content-store.ts";
import { checkDigest, sha256Digest } from "./digest.ts";
import { parseImageConfig } from "./image-config.ts";
import { type Descriptor, parseManifest, selectPlatform } from "./image-manifest.ts";
import { type ImageReference, parseImageReference, referenceString } from "./image-reference.ts";
import type { StoredImage } from "./stored-image.ts";

/** node:zlib loads at first use, not with every kube process (the bundle links static imports at start). */
const zlib = (): typeof Zlib => require("node:zlib") as typeof Zlib;

const REF_NAME = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME = "io.containerd.image.name";
const SMALL_FILE_LIMIT = 16 * 1024 * 1024;

/** Normalised names, skipping those docker would not parse. */
function normalise(names: string[]): string[] {
  return names.flatMap((name) => {
    try {
      return [referenceString(parseImageReference(name))];
    } catch {
      return [];
    }
  });
}

/** Does an index entry's annotation name the wanted reference (a full name or just its tag)? */
function entryNames(d: Descriptor): string[] {
  const ref = d.annotations?.[REF_NAME];
  const full = d.annotations?.[CONTAINERD_NAME];
  return [...(full ? [full] : []), ...(ref?.includes("/") || ref?.includes(":") ? [ref] : [])];
}

function chooseEntry(manifests: Descriptor[], want: ImageReference | undefined, where: string): Descriptor {
  if (want) {
    const wanted = referenceString(want);
    const match = manifests.find(
      (d) =>
        normalise(entryNames(d)).includes(wanted) ||
        (want.tag !== undefined && d.annotations?.[REF_NAME] === want.tag),
    );
    if (match) return match;
  }
  if (manifests.length === 1 && manifests[0]) return manifests[0];
  throw new Error(
    `${where} holds ${manifests.length} images and none is named ${want ? `"${referenceString(want)}"` : "(no name given)"}`,
  );
}

interface Recorded {
  manifestDigest: string;
  configDigest: string;
  configSize: number;
  layers: { digest: string; size: number }[];
  names: string[];
}

async function record(store: ContentStore, found: Recorded, want: ImageReference | undefined, now: number) {
  const config = parseImageConfig(await store.readBlob(found.configDigest));
  if (config.diffIds.length !== found.layers.length) {
    throw new Error(
      `mismatched image rootfs and manifest layers: ${config.diffIds.length} diff_ids, ${found.layers.length} layers`,
    );
  }
  for (const [i, layer] of found.layers.entries())
    await store.ensureLayer(layer.digest, config.diffIds[i] ?? "");
  const references = new Set(normalise(found.names));
  if (want?.tag !== undefined)
    references.add(referenceString({ domain: want.domain, path: want.path, tag: want.tag }));
  const image: StoredImage = {
    id: found.configDigest,
    manifestDigest: found.manifestDigest,
    references: [...references].filter((r) => !r.includes("@")),
    repoDigests: [],
    blobs: [found.manifestDigest, found.configDigest, ...found.layers.map((l) => l.digest)],
    layers: config.diffIds,
    size: found.configSize + found.layers.reduce((sum, l) => sum + l.size, 0),
    config: config.facts,
    createdAt: now,
    lastUsedAt: now,
  };
  await store.put(image);
  return image;
}

/** Follows an OCI index already in the store (nested indexes pick the node's platform). */
async function fromIndex(
  store: ContentStore,
  index: Uint8Array,
  want: ImageReference | undefined,
  where: string,
) {
  const parsed = parseManifest(index, "");
  if (parsed.kind !== "index") throw new Error(`${where}: index.json is not an image index`);
  const entry = chooseEntry(parsed.manifests, want, where);
  let manifestDigest = entry.digest;
  let manifest = parseManifest(await store.readBlob(entry.digest), entry.mediaType);
  if (manifest.kind === "index") {
    const platform = selectPlatform(manifest.manifests);
    manifestDigest = platform.digest;
    manifest = parseManifest(await store.readBlob(platform.digest), platform.mediaType);
  }
  if (manifest.kind !== "manifest") throw new Error(`${where}: nested index`);
  for (const d of [manifest.config, ...manifest.layers]) {
    if (!store.hasBlob(d.digest)) throw new Error(`${where}: blob ${d.digest} is missing`);
  }
  return {
    manifestDigest,
    configDigest: manifest.config.digest,
    configSize: manifest.config.size,
    layers: manifest.layers.map((l) => ({ digest: l.digest, size: l.size })),
    names: entryNames(entry),
  };
}

/** Imports an OCI image layout directory. */
export async function importOciLayout(
  store: ContentStore,
  dir: string,
  want: ImageReference | undefined,
  now: number,
) {
  const index = await readFile(join(dir, "index.json"));
  const parsed = parseManifest(index, "");
  const pending = parsed.kind === "index" ? [...parsed.manifests] : [];
  // Copy every blob the index reaches (verified on the way in).
  const seen = new Set<string>();
  while (pending.length > 0) {
    const d = pending.pop();
    if (!d || seen.has(d.digest)) continue;
    seen.add(d.digest);
    const path = join(dir, "blobs", "sha256", checkDigest(d.digest).slice(7));
    await store.writeBlob(d.digest, () => createReadStream(path), d.size);
    if (d.mediaType.includes("manifest") || d.mediaType.includes("index")) {
      const child = parseManifest(await store.readBlob(d.digest), d.mediaType);
      if (child.kind === "index") pending.push(...child.manifests);
      else pending.push(child.config, ...child.layers);
    }
  }
  return record(store, await fromIndex(store, index, want, dir), want, now);
}

async function tarEntries(path: string): Promise<Readable> {
  const file = await open(path, "r");
  const head = Buffer.alloc(2);
  await file.read(head, 0, 2, 0);
  await file.close();
  const raw = createReadStream(path);
  return head[0] === 0x1f && head[1] === 0x8b ? pipeline(raw, zlib().createGunzip(), () => {}) : raw;
}

/** Imports a `docker save` or OCI archive (tar, optionally gzipped). */
export async function importImageArchive(
  store: ContentStore,
  path: string,
  want: ImageReference | undefined,
  now: number,
) {
  const small = new Map<string, Buffer>();
  const files = new Map<string, { digest: string; size: number }>();
  const tar = extract();
  const source = await tarEntries(path);
  source.pipe(tar as unknown as NodeJS.WritableStream);
  source.on("error", (error) => tar.destroy(error));
  for await (const entry of tar) {
    const name = entry.header.name.replace(/^\.\//, "");
    const blob = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name);
    if (entry.header.type !== "file") {
      entry.resume();
    } else if (blob) {
      const digest = `sha256:${blob[1]}`;
      if (store.hasBlob(digest)) entry.resume();
      else await store.writeBlob(digest, () => entry as AsyncIterable<Uint8Array>, entry.header.size);
      files.set(name, { digest, size: entry.header.size ?? 0 });
    } else if (name.endsWith(".json") || name === "oci-layout" || name === "repositories") {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > SMALL_FILE_LIMIT) throw new Error(`${path}: ${name} is over ${SMALL_FILE_LIMIT} bytes`);
        chunks.push(chunk);
      }
      const bytes = Buffer.concat(chunks);
      small.set(name, bytes);
      files.set(name, await store.importBlob([bytes]));
    } else {
      files.set(name, await store.importBlob(entry as AsyncIterable<Uint8Array>));
    }
  }
  const index = small.get("index.json");
  if (index && small.has("oci-layout"))
    return record(store, await fromIndex(store, index, want, path), want, now);
  const manifest = small.get("manifest.json");
  if (!manifest)
    throw new Error(
      `${path} is neither an OCI archive (oci-layout, index.json) nor a docker save (manifest.json)`,
    );
  const entries = JSON.parse(manifest.toString("utf8")) as {
    Config?: string;
    RepoTags?: string[] | null;
    Layers?: string[];
  }[];
  const wanted = want ? referenceString(want) : undefined;
  const chosen =
    entries.find((e) => wanted !== undefined && normalise(e.RepoTags ?? []).includes(wanted)) ??
    (entries.length === 1 ? entries[0] : undefined);
  if (!chosen?.Config)
    throw new Error(
      `${path} holds ${entries.length} images and none is named ${wanted ?? "(no name given)"}`,
    );
  const file = (name: string) => {
    const found = files.get(name.replace(/^\.\//, ""));
    if (!found) throw new Error(`${path}: ${name} is missing from the archive`);
    return found;
  };
  const config = file(chosen.Config);
  return record(
    store,
    {
      manifestDigest: sha256Digest(manifest),
      configDigest: config.digest,
      configSize: config.size,
      layers: (chosen.Layers ?? []).map(file),
      names: chosen.RepoTags ?? [],
    },
    want,
    now,
  );
}
