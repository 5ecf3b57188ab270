// One NETLINK_ROUTE socket (the channel `ip` talks to the kernel through), bound to the network
// namespace it was opened in: requests are sent and their ack read synchronously — rtnetlink does
// the work inside send(), so the answer is already queued when recv() runs.

import { getLinkMessage, NLMSG_DONE, NLMSG_ERROR, parseReplies, RTM_NEWLINK } from "./netlink-messages.ts";
import { AF_NETLINK, NETLINK_ROUTE, type NetnsSyscalls, SOCK_CLOEXEC, SOCK_RAW } from "./netns-syscalls.ts";

/** A kernel refusal: `errno` (positive) and ip's wording ("RTNETLINK answers: File exists"). */
export class NetlinkError extends Error {
  constructor(
    what: string,
    readonly errno: number,
    text: string,
  ) {
    super(`${what}: RTNETLINK answers: ${text}`);
  }
}

export const ENOENT = 2;
export const ENODEV = 19;

export class RouteSocket {
  private readonly sys: NetnsSyscalls;
  private readonly fd: number;
  private readonly buffer = new Uint8Array(65536);
  private seq = 1;

  private constructor(sys: NetnsSyscalls, fd: number) {
    this.sys = sys;
    this.fd = fd;
  }

  /** A socket in the calling thread's current network namespace. */
  static open(sys: NetnsSyscalls): RouteSocket {
    const fd = sys.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
      const errno = sys.errno();
      throw new Error(`cannot open a netlink socket: ${sys.describe(errno)}`);
    }
    return new RouteSocket(sys, fd);
  }

  /** The next sequence number, for the message about to be sent. */
  nextSeq(): number {
    this.seq = (this.seq % 0x7fffffff) + 1;
    return this.seq;
  }

  /** Sends `message` (built with `seq`) and waits for its ack; throws NetlinkError naming `what`. */
  request(message: Uint8Array, seq: number, what: string): void {
    const error = this.exchange(message, seq, what).error;
    if (error !== undefined && error !== 0) throw new NetlinkError(what, -error, this.sys.describe(-error));
  }

  /** The index of link `name` in this socket's namespace. */
  linkIndex(name: string): number {
    const seq = this.nextSeq();
    const reply = this.exchange(getLinkMessage(seq, name), seq, `ip link show dev ${name}`);
    if (reply.error !== undefined && reply.error !== 0)
      throw new NetlinkError(`ip link show dev ${name}`, -reply.error, this.sys.describe(-reply.error));
    if (reply.index === undefined) throw new Error(`ip link show dev ${name}: no link in the answer`);
    return reply.index;
  }

  close(): void {
    this.sys.close(this.fd);
  }

  private exchange(message: Uint8Array, seq: number, what: string): { error?: number; index?: number } {
    if (this.sys.send(this.fd, message) !== message.length) {
      throw new Error(`${what}: netlink send failed: ${this.sys.describe(this.sys.errno())}`);
    }
    // Skip answers to earlier requests (none are left unread, but a stray one must not confuse us).
    for (let attempt = 0; attempt < 16; attempt++) {
      const got = this.sys.recv(this.fd, this.buffer);
      if (got < 0) throw new Error(`${what}: netlink receive failed: ${this.sys.describe(this.sys.errno())}`);
      for (const reply of parseReplies(this.buffer.subarray(0, got))) {
        if (reply.seq !== seq) continue;
        if (reply.type === NLMSG_ERROR) return { error: reply.error ?? 0 };
        if (reply.type === RTM_NEWLINK) return reply.index !== undefined ? { index: reply.index } : {};
        if (reply.type === NLMSG_DONE) return {};
      }
    }
    throw new Error(`${what}: no netlink answer`);
  }
}
