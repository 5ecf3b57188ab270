// Pod IP allocation in the style of CNI's host-local IPAM plugin: one file per allocated IP (named
// by the IP, holding the owner's ID) in a directory that survives restarts; `O_EXCL` makes it atomic.

import { mkdirSync, writeFileSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { cidrSize, formatIpv4, requireCidr } from "../../../lib/net/ipv4.ts";

export class HostLocalIpam {
  private readonly dir: string;
  private readonly first: number;
  private readonly last: number;
  private next: number;
  private dirReady = false;

  /** `cidr` "10.88.3.0/24": hands out .2 to .254 (.1 is the gateway, the last the broadcast). */
  constructor(dir: string, cidr: string) {
    const prefix = requireCidr(cidr);
    if (prefix.bits > 30) throw new Error(`pod CIDR ${cidr} is too small (at most /30)`);
    this.dir = dir;
    this.first = prefix.network + 2;
    this.last = prefix.network + cidrSize(prefix) - 2;
    this.next = this.first;
  }

  /** The gateway (first usable) address of the range. */
  static gateway(cidr: string): string {
    return formatIpv4(requireCidr(cidr).network + 1);
  }

  /**
   * Reserves a free IP for `owner`, round-robin from the last one handed out (like host-local).
   * The cursor moves before each file is tried, so concurrent allocations try different addresses
   * (they all tried the same one first, then the next: quadratic in the pods started together).
   * Synchronous (a small local file): a Bun fs promise costs the JS thread ~3x the syscall, and
   * a burst's first allocations each made the directory before one had finished.
   */
  async allocate(owner: string): Promise<string> {
    if (!this.dirReady) {
      mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
    const count = this.last - this.first + 1;
    for (let i = 0; i < count; i++) {
      const candidate = this.next;
      this.next = candidate + 1 > this.last ? this.first : candidate + 1;
      const address = formatIpv4(candidate);
      try {
        writeFileSync(join(this.dir, address), owner, { flag: "wx" });
        return address;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    throw new Error(`no free IP left in the pod range (${count} addresses in use)`);
  }

  async release(address: string): Promise<void> {
    await rm(join(this.dir, address), { force: true });
  }

  /** The allocations: IP -> owner. */
  async list(): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch {
      return result;
    }
    for (const name of names) {
      try {
        result.set(name, (await readFile(join(this.dir, name), "utf8")).trim());
      } catch {
        // Released concurrently.
      }
    }
    return result;
  }
}
