// IPv4 CIDR arithmetic for the service IP range (--service-cluster-ip-range).

export interface Cidr {
  base: number;
  size: number;
  text: string;
}

export function parseCidr(text: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`invalid CIDR "${text}": want an IPv4 range such as 10.96.0.0/12`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 30) {
    throw new Error(`invalid CIDR "${text}": octets must be 0-255 and the prefix 8-30 bits`);
  }
  const ip = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), size, text };
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function ipToNumber(text: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

/** The n-th address of the range (1 is the `kubernetes` service, 10 the cluster DNS). */
export function nthAddress(cidr: Cidr, n: number): string {
  return ipToString(cidr.base + n);
}

export function contains(cidr: Cidr, ip: number): boolean {
  return ip > cidr.base && ip < cidr.base + cidr.size - 1;
}
