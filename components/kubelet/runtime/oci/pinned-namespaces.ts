// A pod's IPC and UTS namespaces without a pause process (CRI-O's drop_infra_ctr and its `pinns`):
// made by unshare(2) on the kubelet's own thread, kept by bind mounts of their nsfs files under the
// sandbox's state dir, the thread put back with setns(2); the containers join them by path.

import { dlopen, FFIType } from "bun:ffi";
import { closeSync, mkdirSync, openSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MNT_DETACH, MS_BIND, mountCalls } from "./mount-calls.ts";

const CLONE_NEWUTS = 0x04000000;
const CLONE_NEWIPC = 0x08000000;
/** statfs f_type of a namespace file (include/uapi/linux/magic.h). */
const NSFS_MAGIC = 0x6e736673;

interface NamespaceCalls {
  unshare(flags: number): number;
  setns(fd: number, type: number): number;
  sethostname(name: Buffer, length: number): number;
}

let calls: NamespaceCalls | null | undefined;

function namespaceCalls(): NamespaceCalls | null {
  if (calls !== undefined) return calls;
  try {
    const lib = dlopen("libc.so.6", {
      unshare: { args: [FFIType.i32], returns: FFIType.i32 },
      setns: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      sethostname: { args: [FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
    });
    const s = lib.symbols;
    calls = {
      unshare: (flags) => s.unshare(flags) as number,
      setns: (fd, type) => s.setns(fd, type) as number,
      sethostname: (name, length) => s.sethostname(name, length) as number,
    };
  } catch {
    calls = null;
  }
  return calls;
}

/** Where a sandbox's pinned namespaces are (absent: not pinned, or shared with the host). */
export interface PinnedNamespaces {
  ipc?: string;
  uts?: string;
}

/** True when the kubelet can pin namespaces here (glibc for bun:ffi); else the pause container does. */
export function canPinNamespaces(): boolean {
  return namespaceCalls() !== null && mountCalls() !== null;
}

/**
 * Creates the wanted namespaces (a new UTS one named `hostname`) and pins them at `<dir>/ns/<type>`.
 * Synchronous from the unshare to the setns back: no other JavaScript runs on this thread meanwhile.
 */
export function pinNamespaces(
  dir: string,
  want: { ipc: boolean; uts: boolean; hostname?: string },
): PinnedNamespaces {
  const ffi = namespaceCalls();
  const mounts = mountCalls();
  if (ffi === null || mounts === null) throw new Error("cannot pin the pod's namespaces: no libc to call");
  const types = [...(want.ipc ? (["ipc"] as const) : []), ...(want.uts ? (["uts"] as const) : [])];
  if (types.length === 0) return {};
  const nsDir = join(dir, "ns");
  mkdirSync(nsDir, { recursive: true });
  const saved = types.map((type) => openSync(`/proc/thread-self/ns/${type}`, "r"));
  const pinned: PinnedNamespaces = {};
  let failure: string | undefined;
  try {
    const flags = (want.ipc ? CLONE_NEWIPC : 0) | (want.uts ? CLONE_NEWUTS : 0);
    if (ffi.unshare(flags) !== 0)
      throw new Error(`cannot create the pod's namespaces: errno ${mounts.errno()}`);
    try {
      if (want.uts && want.hostname !== undefined) {
        const name = Buffer.from(want.hostname);
        if (ffi.sethostname(name, name.length) !== 0)
          failure = `cannot set the pod's hostname: errno ${mounts.errno()}`;
      }
      for (const type of failure === undefined ? types : []) {
        const target = join(nsDir, type);
        writeFileSync(target, "");
        if (mounts.mount(`/proc/thread-self/ns/${type}`, target, null, MS_BIND, null) !== 0) {
          failure = `cannot pin the pod's ${type} namespace at ${target}: errno ${mounts.errno()}`;
          break;
        }
        pinned[type] = target;
      }
    } finally {
      // Back to the kubelet's own namespaces before anything else runs on this thread.
      types.forEach((type, i) => {
        if (ffi.setns(saved[i] as number, type === "ipc" ? CLONE_NEWIPC : CLONE_NEWUTS) !== 0) {
          throw new Error(`cannot return to the kubelet's ${type} namespace: errno ${mounts.errno()}`);
        }
      });
    }
  } finally {
    for (const fd of saved) closeSync(fd);
  }
  if (failure !== undefined) {
    unpinNamespaces(dir);
    throw new Error(failure);
  }
  return pinned;
}

/** True while every pinned namespace of the sandbox is still mounted (an empty set counts). */
export function namespacesPinned(pinned: PinnedNamespaces): boolean {
  for (const path of [pinned.ipc, pinned.uts]) {
    if (path === undefined) continue;
    try {
      if (statfsSync(path).type !== NSFS_MAGIC) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Unmounts (lazily) and removes the sandbox's pinned namespaces; idempotent. */
export function unpinNamespaces(dir: string): void {
  const nsDir = join(dir, "ns");
  const ffi = mountCalls();
  for (const type of ["ipc", "uts"]) {
    const path = join(nsDir, type);
    // Stacked binds (a retry after a crash) come off one by one.
    for (let i = 0; i < 8 && ffi !== null && ffi.umount2(path, MNT_DETACH) === 0; i++);
  }
  rmSync(nsDir, { recursive: true, force: true });
}
