// The pod's /dev/shm (containerd's sandbox shm): one tmpfs per pod (mode 1777, 64 MiB, nosuid,
// nodev, noexec) under the sandbox's state dir, bound into the pause and every container, so the
// pod's containers, which share the pause's IPC namespace, also share POSIX shared memory.

import { dlopen, FFIType } from "bun:ffi";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "../../network/ip-command.ts";
import { isMountPoint } from "./container-rootfs.ts";

/** containerd's defaultShmSize (64 MiB) and mount options. */
export const shmOptions = "mode=1777,size=65536k";
const MS_NOSUID = 0x2;
const MS_NODEV = 0x4;
const MS_NOEXEC = 0x8;
const MNT_DETACH = 0x2;

interface MountCalls {
  mount(source: string, target: string, type: string, flags: number, data: string): number;
  umount2(target: string, flags: number): number;
}

let calls: MountCalls | null | undefined;

/** mount(2) and umount2(2) through bun:ffi (no `mount` process per pod); null without glibc. */
function mountCalls(): MountCalls | null {
  if (calls !== undefined) return calls;
  const c = (text: string) => Buffer.from(`${text}\0`);
  try {
    const lib = dlopen("libc.so.6", {
      mount: {
        args: [FFIType.cstring, FFIType.cstring, FFIType.cstring, FFIType.u64, FFIType.cstring],
        returns: FFIType.i32,
      },
      umount2: { args: [FFIType.cstring, FFIType.i32], returns: FFIType.i32 },
    });
    calls = {
      mount: (source, target, type, flags, data) =>
        lib.symbols.mount(c(source), c(target), c(type), flags, c(data)) as number,
      umount2: (target, flags) => lib.symbols.umount2(c(target), flags) as number,
    };
  } catch {
    calls = null;
  }
  return calls;
}

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
