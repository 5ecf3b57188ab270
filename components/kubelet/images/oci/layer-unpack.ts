// Unpacks one image layer (tar, gzip or zstd, told apart by magic bytes) into a fresh directory,
// as containerd's archive.Apply does for an overlay snapshot: whiteouts become overlayfs whiteouts,
// no entry may leave the directory (`..`, symlinked parents, hardlinks out), and the uncompressed
// stream must hash to the layer's diff_id. Whiteouts are also listed in `<dir>.json`.

import { createReadStream } from "node:fs";
import {
  chmod,
  chown,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  rm,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { pipeline, type Readable } from "node:stream";
import type * as Zlib from "node:zlib";
import { type Extract, extract, type Header } from "tar-stream";
import { DigestVerifier } from "./digest.ts";
import { mknod, S_IFBLK, S_IFCHR, S_IFIFO, setxattr } from "./file-system-calls.ts";

/** node:zlib loads at first use, not with every kube process (the bundle links static imports at start). */
const zlib = (): typeof Zlib => require("node:zlib") as typeof Zlib;

/** A layer that is malformed or tries to write outside its directory. */
export class LayerError extends Error {
  override name = "LayerError";
}

/** What `<dir>.json` records beside an unpacked layer, for runtimes that cannot read overlay whiteouts. */
export interface LayerFacts {
  diffId: string;
  /** Paths (relative, no leading /) removed by this layer. */
  whiteouts: string[];
  /** Directories whose lower contents this layer hides. */
  opaque: string[];
  /** True when whiteouts are overlayfs char devices 0:0 and opaque dirs carry the xattr. */
  overlayWhiteouts: boolean;
}

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

async function sniff(path: string): Promise<"gzip" | "zstd" | "tar"> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    await file.read(head, 0, 4, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
    if (head.readUInt32LE(0) === 0xfd2fb528) return "zstd";
    return "tar";
  } finally {
    await file.close();
  }
}

async function decompressed(path: string): Promise<Readable> {
  const kind = await sniff(path);
  const raw = createReadStream(path);
  if (kind === "tar") return raw;
  const inflate = kind === "gzip" ? zlib().createGunzip() : zlib().createZstdDecompress();
  return pipeline(raw, inflate, () => {});
}

/** A tar entry's path as clean relative segments; throws when it would leave the layer. */
export function layerPath(name: string): string {
  const clean = posix.normalize(`/${name}`).slice(1).replace(/\/$/, "");
  if (name.split("/").includes(".."))
    throw new LayerError(`layer entry "${name}" escapes the layer directory`);
  return clean;
}

/** Unpacks the layer blob at `blob` into `dir` (which must not exist) and checks its diff_id. */
export async function unpackLayer(blob: string, dir: string, diffId: string): Promise<LayerFacts> {
  const root = process.getuid?.() === 0;
  const facts: LayerFacts = { diffId, whiteouts: [], opaque: [], overlayWhiteouts: root };
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const symlinks = new Set<string>();
  const dirTimes: { path: string; header: Header }[] = [];
  const verifier = new DigestVerifier();
  const tar = extract();
  const source = await decompressed(blob);
  const feeding = (async () => {
    for await (const chunk of source) {
      verifier.update(chunk as Buffer);
      if (!tar.write(chunk)) await new Promise<void>((resolve) => tar.once("drain", resolve));
    }
    tar.end(undefined);
  })().catch((error: unknown) => {
    tar.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });

  const checkParents = (rel: string): void => {
    for (let parent = posix.dirname(rel); parent !== "." && parent !== ""; parent = posix.dirname(parent)) {
      if (symlinks.has(parent)) throw new LayerError(`layer entry "${rel}" is below the symlink "${parent}"`);
    }
  };

  try {
    for await (const entry of tar) {
      const header = entry.header;
      const rel = layerPath(header.name);
      if (rel === "") {
        if (header.type === "directory") dirTimes.push({ path: dir, header });
        entry.resume();
        continue;
      }
      checkParents(rel);
      if (header.type === "link") checkParents(layerPath(header.linkname ?? ""));
      const target = join(dir, rel);
      await mkdir(dirname(target), { recursive: true });
      const base = posix.basename(rel);
      if (base === OPAQUE) {
        const parent = posix.dirname(rel);
        facts.opaque.push(parent === "." ? "" : parent);
        if (root) setxattr(dirname(target), "trusted.overlay.opaque", "y");
        entry.resume();
        continue;
      }
      if (base.startsWith(WHITEOUT)) {
        const hidden = posix.join(posix.dirname(rel), base.slice(WHITEOUT.length));
        facts.whiteouts.push(hidden);
        if (root) {
          const path = join(dir, hidden);
          await rm(path, { recursive: true, force: true });
          if (!mknod(path, S_IFCHR, 0)) facts.overlayWhiteouts = false;
        }
        entry.resume();
        continue;
      }
      // Replace whatever is there, except a directory by a directory: never chmod through a symlink.
      const existing = await lstat(target).catch(() => undefined);
      if (existing && !(header.type === "directory" && existing.isDirectory())) {
        await rm(target, { recursive: true, force: true });
        symlinks.delete(rel);
      }
      await writeEntry(entry, header, target, rel, dir, root);
      if (header.type === "symlink") symlinks.add(rel);
      if (header.type === "directory") dirTimes.push({ path: target, header });
    }
    await feeding;
  } catch (error) {
    source.destroy();
    await feeding.catch(() => undefined);
    if (error instanceof LayerError) throw error;
    throw new LayerError(`failed to extract layer ${diffId}: ${(error as Error).message}`);
  }
  verifier.verify(diffId);
  // Directory modes and times last: writing into a directory changes its mtime.
  for (const { path, header } of dirTimes.reverse()) {
    if (root) await chown(path, header.uid ?? 0, header.gid ?? 0);
    await chmod(path, (header.mode ?? 0o755) & 0o7777);
    if (header.mtime) await utimes(path, header.mtime, header.mtime);
  }
  await writeFile(`${dir}.json`, JSON.stringify(facts));
  return facts;
}

type TarEntry = Extract extends AsyncIterable<infer S> ? S : never;

async function writeEntry(
  entry: TarEntry,
  header: Header,
  target: string,
  rel: string,
  dir: string,
  root: boolean,
) {
  const mode = (header.mode ?? 0o644) & 0o7777;
  switch (header.type) {
    case "directory":
      await mkdir(target, { recursive: true, mode: 0o755 });
      entry.resume();
      return;
    case "symlink":
      await symlink(header.linkname ?? "", target);
      if (root) await lchown(target, header.uid ?? 0, header.gid ?? 0);
      if (header.mtime) await lutimes(target, header.mtime, header.mtime);
      entry.resume();
      return;
    case "link": {
      const source = layerPath(header.linkname ?? "");
      if (source === "") throw new LayerError(`hardlink "${rel}" points at the layer root`);
      await link(join(dir, source), target).catch((error: NodeJS.ErrnoException) => {
        throw new LayerError(`hardlink "${rel}" -> "${header.linkname}": ${error.code ?? error.message}`);
      });
      entry.resume();
      return;
    }
    case "character-device":
    case "block-device":
    case "fifo": {
      const type = header.type === "fifo" ? S_IFIFO : header.type === "block-device" ? S_IFBLK : S_IFCHR;
      // Device nodes need CAP_MKNOD: an unprivileged unpack skips them, as rootless containerd does.
      if (root || type === S_IFIFO) mknod(target, type, mode, header.devmajor ?? 0, header.devminor ?? 0);
      entry.resume();
      return;
    }
    case "file":
    case "contiguous-file":
    case undefined: {
      const file = await open(target, "w", 0o600);
      try {
        for await (const chunk of entry) await file.write(chunk as Uint8Array);
      } finally {
        await file.close();
      }
      if (root) await chown(target, header.uid ?? 0, header.gid ?? 0);
      await chmod(target, mode);
      if (header.mtime) await utimes(target, header.mtime, header.mtime);
      return;
    }
    default:
      entry.resume();
  }
}
