// Paths inside a container's rootfs resolved as the container would see them (symlinks followed
// within the rootfs, never out to the host; cyphar/filepath-securejoin's rule), to read the image's
// /etc/passwd and create a missing workingDir inside the rootfs.

import { lstat, mkdir, readFile, readlink } from "node:fs/promises";
import { join, posix } from "node:path";

/** `path` (absolute, as in the container) resolved under `root`, symlinks kept inside `root`. */
export async function secureJoin(root: string, path: string): Promise<string> {
  const pending = path.split("/").filter((p) => p !== "" && p !== ".");
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    const info = await lstat(candidate).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      if (++links > 40) throw new Error(`too many levels of symbolic links in ${path}`);
      const target = await readlink(candidate);
      if (posix.isAbsolute(target)) resolved.length = 0;
      pending.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
      continue;
    }
    resolved.push(part);
  }
  return join(root, ...resolved);
}

/** Creates `path` (and parents) inside the rootfs, 0755, as runc does for a missing cwd. */
export async function mkdirInRootfs(root: string, path: string): Promise<void> {
  let current = "/";
  for (const part of path.split("/").filter((p) => p !== "" && p !== ".")) {
    current = posix.join(current, part);
    const target = await secureJoin(root, current);
    const info = await lstat(target).catch(() => undefined);
    if (info === undefined) await mkdir(target, { mode: 0o755 });
    else if (!info.isDirectory()) throw new Error(`workingDir ${path}: ${current} is not a directory`);
  }
}

/** A regular file of the rootfs (e.g. /etc/passwd), or undefined when absent or not a regular file. */
export async function readRootfsFile(root: string, path: string): Promise<string | undefined> {
  try {
    const target = await secureJoin(root, path);
    const info = await lstat(target);
    if (!info.isFile() || info.size > 4 * 1024 * 1024) return undefined;
    return await readFile(target, "utf8");
  } catch {
    return undefined;
  }
}
