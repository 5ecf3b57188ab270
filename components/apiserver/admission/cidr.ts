// The service IP range (--service-cluster-ip-range) over lib/net/ipv4.ts: a /8 to /30 IPv4
// prefix whose usable addresses exclude the network and broadcast addresses.
import { cidrSize, formatIpv4, parseCidr as parseIpv4Cidr } from "../../../lib/net/ipv4.ts";

export interface Cidr {
  base: number;
  size: number;
  text: string;
}

export function parseCidr(text: string): Cidr {
  const cidr = parseIpv4Cidr(text.trim());
  if (!cidr) throw new Error(`invalid CIDR "${text}": want an IPv4 range such as 10.96.0.0/12`);
  if (cidr.bits < 8 || cidr.bits > 30) {
    throw new Error(`invalid CIDR "${text}": octets must be 0-255 and the prefix 8-30 bits`);
  }
  return { base: cidr.network, size: cidrSize(cidr), text };
}

/** The n-th address of the range (1 is the `kubernetes` service, 10 the cluster DNS). */
export function nthAddress(cidr: Cidr, n: number): string {
  return formatIpv4(cidr.base + n);
}

/** True for a usable address of the range (not its network or broadcast address). */
export function contains(cidr: Cidr, ip: number): boolean {
  return ip > cidr.base && ip < cidr.base + cidr.size - 1;
}
