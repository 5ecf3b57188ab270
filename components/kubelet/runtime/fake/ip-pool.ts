// Pod IPs from a node's IPv4 pod CIDR, as CNI's host-local IPAM hands them out: the network
// address and the first host (the bridge gateway) are never given, nor the broadcast address;
// released IPs are reused. Used by the fake runtime, so it costs O(1) per pod.

import { cidrSize, formatIpv4, parseCidr, parseIpv4 } from "../../../../lib/net/ipv4.ts";

export interface IpPool {
  readonly cidr: string;
  /** The next free IP; throws when the CIDR is exhausted. */
  allocate(): string;
  release(ip: string): void;
  /** Marks `ip` taken (a pod adopted after a restart keeps its IP); outside the CIDR: ignored. */
  claim(ip: string): void;
}

/** Throws for anything but an IPv4 CIDR with room for at least one pod (prefix up to /30). */
export function createIpPool(cidr: string): IpPool {
  const prefix = parseCidr(cidr);
  if (prefix === undefined || prefix.bits > 30) {
    throw new Error(`invalid pod CIDR "${cidr}": want an IPv4 CIDR such as 10.244.0.0/16, at most /30`);
  }
  const size = cidrSize(prefix);
  const network = prefix.network;
  const first = network + 2;
  const last = network + size - 2;
  let next = first;
  const free: number[] = [];
  const inUse = new Set<number>();
  return {
    cidr,
    allocate: () => {
      while (next <= last && inUse.has(next)) next++; // claimed by an adopted pod
      const value = free.pop() ?? (next <= last ? next++ : undefined);
      if (value === undefined) throw new Error(`pod CIDR ${cidr} has no free IP (${inUse.size} in use)`);
      inUse.add(value);
      return formatIpv4(value);
    },
    claim: (ip) => {
      const value = parseIpv4(ip);
      if (value === undefined || value < first || value > last || inUse.has(value)) return;
      inUse.add(value);
      const at = free.indexOf(value);
      if (at >= 0) free.splice(at, 1);
    },
    release: (ip) => {
      const value = parseIpv4(ip);
      if (value !== undefined && inUse.delete(value)) free.push(value);
    },
  };
}
