// The two libc calls Node lacks that a layer unpack needs: mknod(2) for overlayfs whiteouts (char
// device 0:0), device nodes and fifos, and setxattr(2) for `trusted.overlay.opaque`. Loaded lazily
// through bun:ffi; absent (undefined) where libc cannot be opened, e.g. on musl.

import { dlopen, FFIType } from "bun:ffi";

interface Libc {
  mknod(path: Buffer, mode: number, dev: bigint): number;
  setxattr(path: Buffer, name: Buffer, value: Buffer, size: number, flags: number): number;
}

let libc: Libc | null | undefined;

function load(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    const lib = dlopen("libc.so.6", {
      mknod: { args: [FFIType.cstring, FFIType.u32, FFIType.u64], returns: FFIType.i32 },
      setxattr: {
        args: [FFIType.cstring, FFIType.cstring, FFIType.ptr, FFIType.u64, FFIType.i32],
        returns: FFIType.i32,
      },
    });
    libc = {
      mknod: (path, mode, dev) => lib.symbols.mknod(path, mode, dev) as number,
      setxattr: (path, name, value, size, flags) =>
        lib.symbols.setxattr(path, name, value, size, flags) as number,
    };
  } catch {
    libc = null;
  }
  return libc;
}

const cstring = (text: string): Buffer => Buffer.from(`${text}\0`);

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

/** Linux's makedev for the device number mknod takes. */
function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/** mknod(2); false when it failed or libc is unavailable. */
export function mknod(path: string, type: number, perm: number, major = 0, minor = 0): boolean {
  const lib = load();
  if (!lib) return false;
  return lib.mknod(cstring(path), type | (perm & 0o7777), makedev(major, minor)) === 0;
}

/** setxattr(2); false when it failed or libc is unavailable. */
export function setxattr(path: string, name: string, value: string): boolean {
  const lib = load();
  if (!lib) return false;
  const bytes = Buffer.from(value);
  return lib.setxattr(cstring(path), cstring(name), bytes, bytes.length, 0) === 0;
}
