// mount(2) and umount2(2) through bun:ffi, so a pod's overlay, shm and pinned namespaces cost no
// `mount` process (an exec is ~13 ms of CPU on a small node); null where there is no glibc to call.

import { dlopen, FFIType, read } from "bun:ffi";

export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_BIND = 0x1000;
export const MNT_DETACH = 0x2;

export interface MountCalls {
  /** mount(2); `type` and `data` may be null (a bind). 0 on success, else -1 with errno(). */
  mount(source: string, target: string, type: string | null, flags: number, data: string | null): number;
  umount2(target: string, flags: number): number;
  /** errno of the last failed call on this thread. */
  errno(): number;
}

let calls: MountCalls | null | undefined;

export function mountCalls(): MountCalls | null {
  if (calls !== undefined) return calls;
  const c = (text: string | null) => (text === null ? null : Buffer.from(`${text}\0`));
  try {
    const lib = dlopen("libc.so.6", {
      mount: {
        args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.u64, FFIType.ptr],
        returns: FFIType.i32,
      },
      umount2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
      __errno_location: { args: [], returns: FFIType.ptr },
    });
    const s = lib.symbols;
    calls = {
      mount: (source, target, type, flags, data) =>
        s.mount(c(source), c(target), c(type), flags, c(data)) as number,
      umount2: (target, flags) => s.umount2(c(target), flags) as number,
      errno: () => {
        const at = s.__errno_location();
        return at === null ? 0 : read.i32(at);
      },
    };
  } catch {
    calls = null;
  }
  return calls;
}
