// Named network namespaces made in-process as `ip netns add/del` does (iproute2 ip/ipnetns.c): an
// empty file /run/netns/<name>, unshare(CLONE_NEWNET), a bind mount of the thread's namespace on
// the file, then setns back. The JS thread leaves the host namespace only inside one synchronous call.

import { mkdirSync } from "node:fs";
import {
  CLONE_NEWNET,
  EINVAL,
  MNT_DETACH,
  MS_BIND,
  MS_REC,
  MS_SHARED,
  type NetnsSyscalls,
  O_CLOEXEC,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
} from "./netns-syscalls.ts";
import { RouteSocket } from "./route-socket.ts";

export const NETNS_RUN_DIR = "/run/netns";

/** A namespace just made: its fd (for IFLA_NET_NS_FD) and a netlink socket inside it; close both. */
export interface NewNetns {
  fd: number;
  socket: RouteSocket;
}

export class NamedNetns {
  private readonly sys: NetnsSyscalls;
  /** The kubelet's own network namespace, to return to. */
  private readonly hostFd: number;
  private runDirReady = false;
  private broken: string | undefined;

  private constructor(sys: NetnsSyscalls, hostFd: number) {
    this.sys = sys;
    this.hostFd = hostFd;
  }

  static open(sys: NetnsSyscalls): NamedNetns {
    const fd = sys.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) throw new Error(`cannot open this thread's network namespace: ${sys.describe(sys.errno())}`);
    return new NamedNetns(sys, fd);
  }

  private fail(what: string): never {
    throw new Error(`${what}: ${this.sys.describe(this.sys.errno())}`);
  }

  /** /run/netns as a shared mount point, so namespaces mounted there show in every mount namespace. */
  private ensureRunDir(): void {
    if (this.runDirReady) return;
    mkdirSync(NETNS_RUN_DIR, { recursive: true, mode: 0o755 });
    const sys = this.sys;
    if (sys.mount("none", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC) !== 0) {
      if (sys.errno() !== EINVAL) this.fail(`mount --make-shared ${NETNS_RUN_DIR} failed`);
      // Not a mount point yet: bind it onto itself first.
      if (sys.mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC) !== 0)
        this.fail(`mount --bind ${NETNS_RUN_DIR} ${NETNS_RUN_DIR} failed`);
      if (sys.mount("none", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC) !== 0)
        this.fail(`mount --make-shared ${NETNS_RUN_DIR} failed`);
    }
    this.runDirReady = true;
  }

  /** `ip netns add <name>`; throws ip's message when it exists or cannot be made. */
  create(name: string): NewNetns {
    if (this.broken !== undefined) throw new Error(this.broken);
    if (name === "" || name.includes("/") || name === "." || name === "..")
      throw new Error(`Invalid netns name "${name}"`);
    this.ensureRunDir();
    const sys = this.sys;
    const path = `${NETNS_RUN_DIR}/${name}`;
    const file = sys.open(path, O_RDONLY | O_CREAT | O_EXCL, 0);
    if (file < 0) this.fail(`Cannot create namespace file "${path}"`);
    sys.close(file);
    let socket: RouteSocket | undefined;
    let fd = -1;
    try {
      if (sys.unshare(CLONE_NEWNET) !== 0) this.fail(`Failed to create a new network namespace "${name}"`);
      try {
        if (sys.mount("/proc/thread-self/ns/net", path, "none", MS_BIND) !== 0)
          this.fail(`Bind /proc/self/ns/net -> ${path} failed`);
        socket = RouteSocket.open(sys);
        fd = sys.open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) this.fail(`Cannot open network namespace "${name}"`);
      } finally {
        if (sys.setns(this.hostFd, CLONE_NEWNET) !== 0) {
          this.broken = `cannot return to the kubelet's network namespace: ${sys.describe(sys.errno())}`;
        }
      }
      if (this.broken !== undefined) throw new Error(this.broken);
      return { fd, socket };
    } catch (error) {
      socket?.close();
      if (fd >= 0) sys.close(fd);
      this.remove(name);
      throw error;
    }
  }

  /** `ip netns del <name>`: the mount and the file go; a namespace already gone is fine. */
  remove(name: string): void {
    const path = `${NETNS_RUN_DIR}/${name}`;
    this.sys.umount2(path, MNT_DETACH);
    this.sys.unlink(path);
  }

  close(): void {
    this.sys.close(this.hostFd);
  }
}
