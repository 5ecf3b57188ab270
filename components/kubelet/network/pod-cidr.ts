// The node's pod CIDR: parsing IPv4 prefixes and picking a free /24 in 10.88.0.0/16 that no host
// interface or route already covers (the kubelet's `--pod-cidr`, chosen when not given).

import { createHash } from "node:crypto";
import { ip } from "./ip-command.ts";

export interface Ipv4Prefix {
  /** Network address as an unsigned 32-bit number. */
  network: number;
  bits: number;
}

export function parseIpv4(text: string): number {
  const parts = text.split(".");
  const bytes = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : Number.NaN));
  if (bytes.length !== 4 || bytes.some((b) => Number.isNaN(b) || b > 255)) {
    throw new Error(`"${text}" is not an IPv4 address`);
  }
  return bytes.reduce((acc, b) => acc * 256 + b, 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses "10.88.3.0/24" (host bits are cleared); throws with the text when malformed. */
export function parseCidr(text: string): Ipv4Prefix {
  const [address = "", bitsText = "32"] = text.split("/");
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`"${text}" is not an IPv4 CIDR`);
  const size = 2 ** (32 - bits);
  return { network: Math.floor(parseIpv4(address) / size) * size, bits };
}

export function formatCidr(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.network)}/${prefix.bits}`;
}

export function prefixSize(prefix: Ipv4Prefix): number {
  return 2 ** (32 - prefix.bits);
}

export function overlaps(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return a.network < b.network + prefixSize(b) && b.network < a.network + prefixSize(a);
}

/** Every IPv4 prefix on a host interface or in a routing table (default routes and `exceptLink` excluded). */
export async function hostPrefixes(exceptLink?: string): Promise<Ipv4Prefix[]> {
  const prefixes: Ipv4Prefix[] = [];
  const addresses = JSON.parse(await ip("-j", "-4", "addr", "show")) as Array<{
    ifname?: string;
    addr_info?: Array<{ local?: string; prefixlen?: number }>;
  }>;
  for (const link of addresses) {
    if (link.ifname === exceptLink) continue;
    for (const info of link.addr_info ?? []) {
      if (info.local !== undefined) prefixes.push(parseCidr(`${info.local}/${info.prefixlen ?? 32}`));
    }
  }
  const routes = JSON.parse(await ip("-j", "-4", "route", "show", "table", "all")) as Array<{
    dst?: string;
    dev?: string;
  }>;
  for (const route of routes) {
    if (route.dev === exceptLink) continue;
    if (route.dst === undefined || route.dst === "default" || !/^\d/.test(route.dst)) continue;
    prefixes.push(parseCidr(route.dst));
  }
  return prefixes;
}

/**
 * A /24 inside `within` that overlaps none of `taken`; the search starts at a slot derived from the
 * node name so several nodes on one machine tend to settle on distinct, stable ranges.
 */
export function pickFreeCidr(nodeName: string, taken: Ipv4Prefix[], within = "10.88.0.0/16"): string {
  const pool = parseCidr(within);
  const slots = prefixSize(pool) / 256;
  const start = createHash("sha1").update(nodeName).digest().readUInt32BE(0) % slots;
  for (let i = 0; i < slots; i++) {
    const candidate = { network: pool.network + ((start + i) % slots) * 256, bits: 24 };
    if (!taken.some((prefix) => overlaps(prefix, candidate))) return formatCidr(candidate);
  }
  throw new Error(`no free /24 left in ${within}: pass a pod CIDR explicitly`);
}
