// hostPath type checks as upstream's kubelet (pkg/volume/hostpath checkTypeInternal): *OrCreate
// make a 0755 dir or 0644 file (not its parent), other types must exist as that kind; type ""
// checks nothing but creates a missing directory, as containerd (and Docker) did.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from "node:fs";

/** Why a hostPath cannot be mounted, in upstream's words (without the MountVolume prefix). */
export class HostPathError extends Error {
  override name = "HostPathError";
}

const KINDS: Record<string, { is: (s: ReturnType<typeof statSync>) => boolean; what: string }> = {
  Directory: { is: (s) => s?.isDirectory() ?? false, what: "a directory" },
  File: { is: (s) => s?.isFile() ?? false, what: "a file" },
  Socket: { is: (s) => s?.isSocket() ?? false, what: "a socket file" },
  CharDevice: { is: (s) => s?.isCharacterDevice() ?? false, what: "a character device" },
  BlockDevice: { is: (s) => s?.isBlockDevice() ?? false, what: "a block device" },
};

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Checks (and for the *OrCreate types and "" creates) `path`; throws HostPathError. */
export function checkHostPath(path: string, type: string): void {
  const exists = statOf(path) !== undefined;
  if (type === "" || (type === "DirectoryOrCreate" && !exists)) {
    if (!exists) makeDir(path);
    return;
  }
  if (type === "FileOrCreate" && !exists) {
    makeFile(path);
    return;
  }
  const kind = KINDS[type === "DirectoryOrCreate" ? "Directory" : type === "FileOrCreate" ? "File" : type];
  if (!kind) throw new HostPathError(`${type} is an invalid volume type`);
  if (!kind.is(statOf(path)))
    throw new HostPathError(`hostPath type check failed: ${path} is not ${kind.what}`);
}

function makeDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new HostPathError(`mkdir ${path}: ${errnoText(error)}`);
  }
}

function makeFile(path: string): void {
  try {
    closeSync(openSync(path, "a", 0o644));
    chmodSync(path, 0o644);
  } catch (error) {
    throw new HostPathError(`open ${path}: ${errnoText(error)}`);
  }
}

/** Go's text for an errno ("no such file or directory"), as the kubelet's message carries it. */
function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const texts: Record<string, string> = {
    ENOENT: "no such file or directory",
    ENOTDIR: "not a directory",
    EACCES: "permission denied",
    EEXIST: "file exists",
    EROFS: "read-only file system",
  };
  return (code && texts[code]) || (error as Error).message;
}
