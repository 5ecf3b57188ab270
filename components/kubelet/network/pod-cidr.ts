// The node's pod CIDR: picking a free /24 in 10.88.0.0/16 that no host interface or route
// already covers (the kubelet's `--pod-cidr`, chosen when not given).

import { createHash } from "node:crypto";
import { cidrSize, cidrsOverlap, formatCidr, type Ipv4Cidr, requireCidr } from "../../../lib/net/ipv4.ts";
import { ip } from "./ip-command.ts";

/** Every IPv4 prefix on a host interface or in a routing table (default routes and `exceptLink` excluded). */
export async function hostPrefixes(exceptLink?: string): Promise<Ipv4Cidr[]> {
  const prefixes: Ipv4Cidr[] = [];
  const addresses = JSON.parse(await ip("-j", "-4", "addr", "show")) as Array<{
    ifname?: string;
    addr_info?: Array<{ local?: string; prefixlen?: number }>;
  }>;
  for (const link of addresses) {
    if (link.ifname === exceptLink) continue;
    for (const info of link.addr_info ?? []) {
      if (info.local !== undefined) prefixes.push(requireCidr(`${info.local}/${info.prefixlen ?? 32}`));
    }
  }
  const routes = JSON.parse(await ip("-j", "-4", "route", "show", "table", "all")) as Array<{
    dst?: string;
    dev?: string;
  }>;
  for (const route of routes) {
    if (route.dev === exceptLink) continue;
    if (route.dst === undefined || route.dst === "default" || !/^\d/.test(route.dst)) continue;
    prefixes.push(requireCidr(route.dst.includes("/") ? route.dst : `${route.dst}/32`));
  }
  return prefixes;
}

/**
 * A /24 inside `within` that overlaps none of `taken`; the search starts at a slot derived from the
 * node name so several nodes on one machine tend to settle on distinct, stable ranges.
 */
export function pickFreeCidr(nodeName: string, taken: Ipv4Cidr[], within = "10.88.0.0/16"): string {
  const pool = requireCidr(within);
  const slots = cidrSize(pool) / 256;
  const start = createHash("sha1").update(nodeName).digest().readUInt32BE(0) % slots;
  for (let i = 0; i < slots; i++) {
    const candidate = { network: pool.network + ((start + i) % slots) * 256, bits: 24 };
    if (!taken.some((prefix) => cidrsOverlap(prefix, candidate))) return formatCidr(candidate);
  }
  throw new Error(`no free /24 left in ${within}: pass a pod CIDR explicitly`);
}
