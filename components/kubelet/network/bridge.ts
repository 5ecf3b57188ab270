// The node's Linux bridge (CNI "bridge" plugin model): one per node, holding the pod CIDR's first
// address as the gateway every pod routes through; IPv4 forwarding on so nodes' pods reach each other.

import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { ip, ipQuiet } from "./ip-command.ts";

/** `kb` + 8 hex of sha1(nodeName): stable, unique per node, within IFNAMSIZ (15). */
export function bridgeName(nodeName: string): string {
  return `kb${createHash("sha1").update(nodeName).digest("hex").slice(0, 8)}`;
}

export async function linkExists(name: string): Promise<boolean> {
  return ipQuiet("link", "show", "dev", name);
}

/**
 * The bridge's fixed MAC: 0a:58 and the gateway's four octets, as the CNI bridge plugin pinned it.
 * A bridge with no MAC of its own takes the lowest of its ports' and changes when that pod goes;
 * pods holding the old one in their ARP cache then send replies nowhere (containernetworking/cni#285).
 */
export function bridgeMac(gateway: string): string {
  const octets = (gateway.split("/")[0] ?? "").split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`bad gateway address "${gateway}"`);
  }
  return ["0a", "58", ...octets.map((o) => o.toString(16).padStart(2, "0"))].join(":");
}

/** Creates (or reuses) the bridge with `gateway` ("10.88.3.1/24") and brings it up. Idempotent. */
export async function ensureBridge(name: string, gateway: string): Promise<void> {
  if (!(await linkExists(name))) {
    // Another runtime on the same node name may race us; a second `add` failing is fine if it exists.
    const added = await ipQuiet("link", "add", "name", name, "type", "bridge");
    if (!added && !(await linkExists(name))) await ip("link", "add", "name", name, "type", "bridge");
  }
  await ip("link", "set", "dev", name, "address", bridgeMac(gateway));
  await ip("addr", "replace", gateway, "dev", name);
  await ip("link", "set", "dev", name, "up");
  await enableForwarding();
}

/** Turns on net.ipv4.ip_forward (pods on different bridges talk through the host's routing). */
export async function enableForwarding(): Promise<void> {
  const path = "/proc/sys/net/ipv4/ip_forward";
  if ((await readFile(path, "utf8")).trim() !== "1") await writeFile(path, "1\n");
}

export async function removeBridge(name: string): Promise<void> {
  await ipQuiet("link", "del", "dev", name);
}
