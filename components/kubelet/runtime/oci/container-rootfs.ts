// A container's root filesystem: an overlay of the image's unpacked layers with a writable upper
// dir that dies with the container, or, for images that are host executables (seed 000's files,
// kube's embedded programs), a small rootfs with the host's /usr, /bin and /lib read-only and the
// image's files bound at their own paths (never the kubelet's or apiserver's directories).

import { lstat, mkdir, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "../../network/ip-command.ts";
import type { ImageRootfs } from "../runtime.ts";
import { mountCalls } from "./mount-calls.ts";

export interface PreparedRootfs {
  /** The directory given to crun as root.path. */
  path: string;
  /** Read-only binds the rootfs needs (host system dirs, the image's files). */
  binds: Array<{ source: string; destination: string; readOnly: boolean }>;
  /** True for an overlay mount that must be unmounted before the directory is removed. */
  mounted: boolean;
  /** /etc/passwd and /etc/group as written here (a host-tools rootfs): no need to read them back. */
  written?: { passwd: string; group: string };
}

/** Host directories a host-executable image sees, read-only; symlinks (merged /usr) are copied as links. */
const hostSystemDirs = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"];

const PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
const GROUP = "root:x:0:\nnogroup:x:65534:\n";

type HostEntry = { path: string; link: string } | { path: string; dir: true };

/** The host system dirs' layout (which are links, which dirs): looked up once per process, not per container. */
let hostLayout: Promise<HostEntry[]> | undefined;

function hostSystemLayout(): Promise<HostEntry[]> {
  hostLayout ??= (async () => {
    const entries: HostEntry[] = [];
    for (const path of hostSystemDirs) {
      const info = await lstat(path).catch(() => undefined);
      if (info?.isSymbolicLink()) entries.push({ path, link: await readlink(path) });
      else if (info?.isDirectory()) entries.push({ path, dir: true });
    }
    return entries;
  })();
  return hostLayout;
}

/** Mounts the overlay for `rootfs` under `dir` (lower: the layers, top-most first). */
async function overlayRootfs(dir: string, rootfs: ImageRootfs): Promise<PreparedRootfs> {
  const upper = join(dir, "upper");
  const work = join(dir, "work");
  const merged = join(dir, "merged");
  await Promise.all([
    mkdir(upper, { recursive: true }),
    mkdir(work, { recursive: true }),
    mkdir(merged, { recursive: true }),
  ]);
  let layers = [...rootfs.layers].reverse();
  if (layers.length === 0) {
    const empty = join(dir, "empty");
    await mkdir(empty, { recursive: true });
    layers = [empty];
  }
  for (const layer of layers) {
    if (layer.includes(":") || layer.includes(","))
      throw new Error(`layer path ${layer} cannot be an overlay lowerdir`);
  }
  const options = `lowerdir=${layers.join(":")},upperdir=${upper},workdir=${work}`;
  const ffi = mountCalls();
  if (ffi === null || ffi.mount("overlay", merged, "overlay", 0, options) !== 0) {
    // The mount command's message (or no glibc to call): one exec, only then.
    const result = await runCommand(["mount", "-t", "overlay", "overlay", "-o", options, merged]);
    if (result.exitCode !== 0) throw new Error(`cannot mount the image's layers: ${result.stderr.trim()}`);
  }
  return { path: merged, binds: [], mounted: true };
}

/** A rootfs for a host-executable image: empty dirs, /etc/passwd and /etc/group, /tmp, host system dirs. */
async function hostToolsRootfs(dir: string, imageFiles: string[]): Promise<PreparedRootfs> {
  const root = join(dir, "rootfs");
  await mkdir(join(root, "etc"), { recursive: true });
  await mkdir(join(root, "tmp"), { recursive: true, mode: 0o1777 });
  await writeFile(join(root, "etc", "passwd"), PASSWD);
  await writeFile(join(root, "etc", "group"), GROUP);
  const binds: PreparedRootfs["binds"] = [];
  for (const entry of await hostSystemLayout()) {
    if ("link" in entry) await symlink(entry.link, join(root, entry.path));
    else binds.push({ source: entry.path, destination: entry.path, readOnly: true });
  }
  for (const file of imageFiles) {
    if (hostSystemDirs.some((d) => file === d || file.startsWith(`${d}/`))) continue;
    binds.push({ source: file, destination: file, readOnly: true });
  }
  return { path: root, binds, mounted: false, written: { passwd: PASSWD, group: GROUP } };
}

/** Builds the container's rootfs under `dir` (its state directory). */
export function prepareRootfs(
  dir: string,
  rootfs: ImageRootfs | undefined,
  imageFiles: string[],
): Promise<PreparedRootfs> {
  return rootfs !== undefined ? overlayRootfs(dir, rootfs) : hostToolsRootfs(dir, imageFiles);
}

/** Unmounts the overlay (if any) and removes the writable layer; refuses to remove a still-mounted tree. */
export async function removeRootfs(dir: string): Promise<void> {
  const merged = join(dir, "merged");
  const ffi = mountCalls();
  if ((await isMountPoint(merged)) && (ffi === null || ffi.umount2(merged, 0) !== 0)) {
    const result = await runCommand(["umount", merged]);
    if (result.exitCode !== 0 && (await isMountPoint(merged))) {
      const lazy = await runCommand(["umount", "-l", merged]);
      if (lazy.exitCode !== 0) throw new Error(`cannot unmount ${merged}: ${result.stderr.trim()}`);
    }
  }
  await rm(join(dir, "merged"), { recursive: true, force: true });
  await rm(join(dir, "upper"), { recursive: true, force: true });
  await rm(join(dir, "work"), { recursive: true, force: true });
  await rm(join(dir, "rootfs"), { recursive: true, force: true });
}

/** True when `path` is a mount point (its device differs from its parent's). */
export async function isMountPoint(path: string): Promise<boolean> {
  try {
    const [self, parent] = await Promise.all([lstat(path), lstat(join(path, ".."))]);
    return self.dev !== parent.dev;
  } catch {
    return false;
  }
}
