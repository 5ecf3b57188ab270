// The libc calls behind in-process pod networking (bun:ffi): netlink sockets (socket, send, recv),
// network namespaces (unshare, setns, a bind mount at /run/netns/<name>, as `ip netns add` makes).
// Loaded lazily; undefined where libc cannot be opened (musl), and the kubelet then spawns `ip`.

import { dlopen, FFIType, read } from "bun:ffi";

export interface NetnsSyscalls {
  socket(domain: number, type: number, protocol: number): number;
  send(fd: number, data: Uint8Array): number;
  recv(fd: number, buffer: Uint8Array): number;
  close(fd: number): number;
  open(path: string, flags: number, mode: number): number;
  unshare(flags: number): number;
  setns(fd: number, nstype: number): number;
  mount(source: string, target: string, fstype: string, flags: number): number;
  umount2(target: string, flags: number): number;
  unlink(path: string): number;
  /** errno of the last failed call (read at once: the next call may change it). */
  errno(): number;
  /** strerror(3): "File exists". */
  describe(errno: number): string;
}

export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0x80000;
export const NETLINK_ROUTE = 0;
export const CLONE_NEWNET = 0x40000000;
export const O_RDONLY = 0;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_CLOEXEC = 0x80000;
export const MS_BIND = 4096;
export const MS_REC = 0x4000;
export const MS_SHARED = 1 << 20;
export const MNT_DETACH = 2;
export const EINVAL = 22;

let loaded: NetnsSyscalls | null | undefined;
const cstring = (text: string): Buffer => Buffer.from(`${text}\0`);

function load(): NetnsSyscalls | null {
  const { ptr, i32, u32, u64, cstring: cstr } = FFIType;
  const lib = dlopen("libc.so.6", {
    socket: { args: [i32, i32, i32], returns: i32 },
    send: { args: [i32, ptr, u64, i32], returns: i32 },
    recv: { args: [i32, ptr, u64, i32], returns: i32 },
    close: { args: [i32], returns: i32 },
    open: { args: [cstr, i32, u32], returns: i32 },
    unshare: { args: [i32], returns: i32 },
    setns: { args: [i32, i32], returns: i32 },
    mount: { args: [cstr, cstr, cstr, u64, ptr], returns: i32 },
    umount2: { args: [cstr, i32], returns: i32 },
    unlink: { args: [cstr], returns: i32 },
    __errno_location: { args: [], returns: ptr },
    strerror: { args: [i32], returns: cstr },
  });
  const s = lib.symbols;
  return {
    socket: (domain, type, protocol) => s.socket(domain, type, protocol),
    send: (fd, data) => s.send(fd, data, data.length, 0),
    recv: (fd, buffer) => s.recv(fd, buffer, buffer.length, 0),
    close: (fd) => s.close(fd),
    open: (path, flags, mode) => s.open(cstring(path), flags, mode),
    unshare: (flags) => s.unshare(flags),
    setns: (fd, nstype) => s.setns(fd, nstype),
    mount: (source, target, fstype, flags) =>
      s.mount(cstring(source), cstring(target), cstring(fstype), flags, null),
    umount2: (target, flags) => s.umount2(cstring(target), flags),
    unlink: (path) => s.unlink(cstring(path)),
    errno: () => {
      const at = s.__errno_location();
      return at === null ? 0 : read.i32(at, 0);
    },
    describe: (errno) => String(s.strerror(errno)),
  };
}

/** The calls, or undefined when libc is not loadable here (then `ip` does the work). */
export function netnsSyscalls(): NetnsSyscalls | undefined {
  if (loaded === undefined) {
    try {
      loaded = load();
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
