// The set of node pod CIDRs cut out of the cluster CIDR (upstream
// pkg/controller/nodeipam/ipam/cidrset/cidr_set.go): equal subnets of the node mask size, handed
// out round-robin after the last one given, occupied for nodes that bring their own, released on delete.

import { formatCidr, parseCidr } from "../../../lib/net/ipv4.ts";

interface Prefix {
  base: number;
  bits: number;
}

function parsePrefix(cidr: string): Prefix | undefined {
  const p = parseCidr(cidr.trim());
  return p && { base: p.network, bits: p.bits };
}

function format(ip: number, bits: number): string {
  return formatCidr({ network: ip, bits });
}

export class CidrSetError extends Error {
  override name = "CidrSetError";
}

export class CidrSet {
  readonly clusterCIDR: string;
  readonly maskSize: number;
  private readonly cluster: Prefix;
  private readonly used = new Set<number>();
  private nextCandidate = 0;
  /** How many subnets of `maskSize` the cluster CIDR holds. */
  readonly size: number;

  constructor(clusterCIDR: string, maskSize: number) {
    const cluster = parsePrefix(clusterCIDR);
    if (!cluster)
      throw new CidrSetError(`invalid cluster CIDR "${clusterCIDR}": want an IPv4 CIDR like 10.244.0.0/16`);
    if (!Number.isInteger(maskSize) || maskSize < cluster.bits || maskSize > 32)
      throw new CidrSetError(
        `node CIDR mask size ${maskSize} does not fit cluster CIDR ${clusterCIDR}: want ${cluster.bits}..32`,
      );
    if (maskSize - cluster.bits > 16)
      throw new CidrSetError(
        `CIDRSet: subnet mask size ${maskSize} is too big for ${clusterCIDR}: at most ${cluster.bits + 16}`,
      );
    this.cluster = cluster;
    this.clusterCIDR = format(cluster.base, cluster.bits);
    this.maskSize = maskSize;
    this.size = 2 ** (maskSize - cluster.bits);
  }

  private subnet(index: number): string {
    return format(this.cluster.base + index * 2 ** (32 - this.maskSize), this.maskSize);
  }

  /** Subnet indexes `cidr` covers; undefined when it is not inside the cluster CIDR. */
  private indexes(cidr: string): { begin: number; end: number } | undefined {
    const p = parsePrefix(cidr);
    if (!p) return undefined;
    const clusterSize = 2 ** (32 - this.cluster.bits);
    if (p.bits < this.cluster.bits || p.base < this.cluster.base || p.base >= this.cluster.base + clusterSize)
      return undefined;
    const step = 2 ** (32 - this.maskSize);
    const begin = Math.floor((p.base - this.cluster.base) / step);
    const last = p.base + 2 ** (32 - p.bits) - 1;
    const end = Math.floor((last - this.cluster.base) / step);
    return { begin, end };
  }

  /** The next free subnet after the last one handed out, or undefined when none is left. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.size; i++) {
      const candidate = (this.nextCandidate + i) % this.size;
      if (this.used.has(candidate)) continue;
      this.used.add(candidate);
      this.nextCandidate = (candidate + 1) % this.size;
      return this.subnet(candidate);
    }
    return undefined;
  }

  /** Marks `cidr` (a node's own) taken; throws when it lies outside the cluster CIDR. */
  occupy(cidr: string): void {
    const range = this.indexes(cidr);
    if (!range) throw new CidrSetError(`cidr ${cidr} is out the range of cluster cidr ${this.clusterCIDR}`);
    for (let i = range.begin; i <= range.end; i++) this.used.add(i);
  }

  /** Frees `cidr`; a CIDR outside the cluster CIDR is ignored. */
  release(cidr: string): void {
    const range = this.indexes(cidr);
    if (!range) return;
    for (let i = range.begin; i <= range.end; i++) this.used.delete(i);
  }

  isOccupied(cidr: string): boolean {
    const range = this.indexes(cidr);
    if (!range) return false;
    for (let i = range.begin; i <= range.end; i++) if (this.used.has(i)) return true;
    return false;
  }

  contains(cidr: string): boolean {
    return this.indexes(cidr) !== undefined;
  }

  get usedCount(): number {
    return this.used.size;
  }
}
