// The one IPv4 address and CIDR module: dotted-quad parsing and printing, prefixes with their
// host bits cleared, size, containment and overlap (what Go's net.ParseIP/ParseCIDR give
// upstream's flags, service IP allocation, node IPAM and CNI host-local IPAM).

/** An IPv4 prefix: the network address as an unsigned 32-bit number and the prefix length. */
export interface Ipv4Cidr {
  network: number;
  bits: number;
}

/** "10.0.0.1" as an unsigned 32-bit number; undefined unless it is four decimal octets 0-255. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** "10.42.0.0/16" with host bits cleared ("10.42.3.4/16" is 10.42.0.0/16); undefined when malformed. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseIpv4(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,2}$/.test(bitsText) || Number(bitsText) > 32) return undefined;
  const bits = Number(bitsText);
  const size = 2 ** (32 - bits);
  return { network: address - (address % size), bits };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.bits}`;
}

/** How many addresses the prefix holds, network and broadcast included. */
export function cidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.bits);
}

/** True when `ip` lies in the prefix (network and broadcast addresses included). */
export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  return ip >= cidr.network && ip < cidr.network + cidrSize(cidr);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.network < b.network + cidrSize(b) && b.network < a.network + cidrSize(a);
}

/** The n-th address of the prefix as text (0 is the network address); undefined past its end. */
export function nthAddress(cidr: Ipv4Cidr, n: number): string | undefined {
  return Number.isInteger(n) && n >= 0 && n < cidrSize(cidr) ? formatIpv4(cidr.network + n) : undefined;
}

/** parseCidr for values that must be valid; throws `"<text>" is not an IPv4 CIDR`. */
export function requireCidr(text: string): Ipv4Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`"${text}" is not an IPv4 CIDR`);
  return cidr;
}
