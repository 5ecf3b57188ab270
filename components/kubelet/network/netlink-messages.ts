// rtnetlink request messages as bytes (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h): the
// link, address and route requests `ip link add ... type veth`, `ip addr add` and `ip route add`
// send, and the parsing of the kernel's answers (acks, errors, a link's index).

import { parseIpv4 } from "../../../lib/net/ipv4.ts";

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_NEWROUTE = 24;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
const AF_UNSPEC = 0;
const AF_INET = 2;
const IFF_UP = 0x1;
const IFLA_IFNAME = 3;
const IFLA_MASTER = 10;
const IFLA_LINKINFO = 18;
const IFLA_NET_NS_FD = 28;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RT_SCOPE_UNIVERSE = 0;
const RTN_UNICAST = 1;

const align = (n: number): number => (n + 3) & ~3;

/** One rtattr: length, type, payload, padded to 4 bytes. */
export function attr(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(align(4 + payload.length));
  const view = new DataView(out.buffer);
  view.setUint16(0, 4 + payload.length, true);
  view.setUint16(2, type, true);
  out.set(payload, 4);
  return out;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};
const cstr = (text: string): Uint8Array => new TextEncoder().encode(`${text}\0`);
const u32 = (value: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, true);
  return out;
};
/** An IPv4 address in network byte order; throws on a malformed one. */
function inet(address: string): Uint8Array {
  const value = parseIpv4(address);
  if (value === undefined) throw new Error(`invalid IPv4 address "${address}"`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/** struct ifinfomsg: family, type, index, flags, change. */
function ifinfomsg(index: number, flags: number, change: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint8(0, AF_UNSPEC);
  view.setInt32(4, index, true);
  view.setUint32(8, flags, true);
  view.setUint32(12, change, true);
  return out;
}

/** The nlmsghdr around a request body. */
export function message(type: number, flags: number, seq: number, body: Uint8Array[]): Uint8Array {
  const payload = concat(body);
  const out = new Uint8Array(16 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, out.length, true);
  view.setUint16(4, type, true);
  view.setUint16(6, flags, true);
  view.setUint32(8, seq, true);
  view.setUint32(12, 0, true);
  out.set(payload, 16);
  return out;
}

const CREATE = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

/**
 * `ip link add <host> master <bridge> up type veth peer name <peer> netns <fd>`: the host end on
 * the bridge and up, the peer created directly inside the namespace `netnsFd` refers to.
 */
export function newVethMessage(
  seq: number,
  spec: { host: string; peer: string; masterIndex: number; netnsFd: number },
): Uint8Array {
  const peer = concat([
    ifinfomsg(0, 0, 0),
    attr(IFLA_IFNAME, cstr(spec.peer)),
    attr(IFLA_NET_NS_FD, u32(spec.netnsFd)),
  ]);
  const linkinfo = concat([
    attr(IFLA_INFO_KIND, cstr("veth")),
    attr(IFLA_INFO_DATA, attr(VETH_INFO_PEER, peer)),
  ]);
  return message(RTM_NEWLINK, CREATE, seq, [
    ifinfomsg(0, IFF_UP, IFF_UP),
    attr(IFLA_IFNAME, cstr(spec.host)),
    attr(IFLA_MASTER, u32(spec.masterIndex)),
    attr(IFLA_LINKINFO, linkinfo),
  ]);
}

/** `ip link set dev <name> up`. */
export function linkUpMessage(seq: number, name: string): Uint8Array {
  return message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, [
    ifinfomsg(0, IFF_UP, IFF_UP),
    attr(IFLA_IFNAME, cstr(name)),
  ]);
}

/** `ip link del dev <name>`. */
export function delLinkMessage(seq: number, name: string): Uint8Array {
  return message(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq, [
    ifinfomsg(0, 0, 0),
    attr(IFLA_IFNAME, cstr(name)),
  ]);
}

/** `ip link show dev <name>` (the answer carries its index). */
export function getLinkMessage(seq: number, name: string): Uint8Array {
  return message(RTM_GETLINK, NLM_F_REQUEST, seq, [ifinfomsg(0, 0, 0), attr(IFLA_IFNAME, cstr(name))]);
}

/** `ip addr add <address>/<prefixLength> dev <index>`. */
export function newAddressMessage(
  seq: number,
  index: number,
  address: string,
  prefixLength: number,
): Uint8Array {
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32)
    throw new Error(`invalid prefix length ${prefixLength}`);
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint8(0, AF_INET);
  view.setUint8(1, prefixLength);
  view.setUint32(4, index, true);
  const local = inet(address);
  return message(RTM_NEWADDR, CREATE, seq, [head, attr(IFA_LOCAL, local), attr(IFA_ADDRESS, local)]);
}

/** `ip route add default via <gateway> dev <index>` in the main table. */
export function defaultRouteMessage(seq: number, index: number, gateway: string): Uint8Array {
  const head = new Uint8Array([
    AF_INET,
    0,
    0,
    0,
    RT_TABLE_MAIN,
    RTPROT_BOOT,
    RT_SCOPE_UNIVERSE,
    RTN_UNICAST,
    0,
    0,
    0,
    0,
  ]);
  return message(RTM_NEWROUTE, CREATE, seq, [
    head,
    attr(RTA_GATEWAY, inet(gateway)),
    attr(RTA_OIF, u32(index)),
  ]);
}

/** One message of a kernel answer. */
export interface NetlinkReply {
  type: number;
  seq: number;
  /** For NLMSG_ERROR: 0 (an ack) or a negative errno. */
  error?: number;
  /** For RTM_NEWLINK: the link's index. */
  index?: number;
}

/** Splits a datagram the kernel sent into its messages; throws on a truncated one. */
export function parseReplies(data: Uint8Array): NetlinkReply[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const replies: NetlinkReply[] = [];
  for (let offset = 0; offset + 16 <= data.length; ) {
    const length = view.getUint32(offset, true);
    if (length < 16 || offset + length > data.length) throw new Error("truncated netlink message");
    const reply: NetlinkReply = {
      type: view.getUint16(offset + 4, true),
      seq: view.getUint32(offset + 8, true),
    };
    if (reply.type === NLMSG_ERROR && length >= 20) reply.error = view.getInt32(offset + 16, true);
    if (reply.type === RTM_NEWLINK && length >= 32) reply.index = view.getInt32(offset + 20, true);
    replies.push(reply);
    offset += align(length);
  }
  return replies;
}
