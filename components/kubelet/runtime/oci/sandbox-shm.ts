// The pod's /dev/shm (containerd's sandbox shm): one tmpfs per pod (mode 1777, 64 MiB, nosuid,
// nodev, noexec) under the sandbox's state dir, bound into the pause and every container, so the
// pod's containers, which share the pause's IPC namespace, also share POSIX shared memory.

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "../../network/ip-command.ts";
import { isMountPoint } from "./container-rootfs.ts";
import { MNT_DETACH, MS_NODEV, MS_NOEXEC, MS_NOSUID, mountCalls } from "./mount-calls.ts";

/** containerd's defaultShmSize (64 MiB) and mount options. */
export const shmOptions = "mode=1777,size=65536k";

/** Mounts the pod's shm tmpfs at `<sandboxDir>/shm` (already mounted: kept) and returns its path. */
export async function mountSandboxShm(sandboxDir: string): Promise<string> {
  const path = join(sandboxDir, "shm");
  await mkdir(path, { recursive: true });
  if (await isMountPoint(path)) return path;
  const ffi = mountCalls();
  if (ffi !== null && ffi.mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shmOptions) === 0) {
    return path;
  }
  const options = `nosuid,nodev,noexec,${shmOptions}`;
  const result = await runCommand(["mount", "-t", "tmpfs", "-o", options, "shm", path]);
  if (result.exitCode !== 0) throw new Error(`cannot mount the pod's /dev/shm: ${result.stderr.trim()}`);
  return path;
}

/** Unmounts the pod's shm (lazily: a container still holding it keeps its own copy); idempotent. */
export async function unmountSandboxShm(sandboxDir: string): Promise<void> {
  const path = join(sandboxDir, "shm");
  if (!(await isMountPoint(path))) return;
  const ffi = mountCalls();
  if (ffi !== null && ffi.umount2(path, MNT_DETACH) === 0) return;
  const result = await runCommand(["umount", "-l", path]);
  if (result.exitCode !== 0 && (await isMountPoint(path)))
    throw new Error(`cannot unmount the pod's /dev/shm ${path}: ${result.stderr.trim()}`);
}
