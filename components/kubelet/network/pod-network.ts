// A pod's network (CNI bridge plugin, per sandbox) through `ip -batch` processes: a named network
// namespace, a veth pair with the host end on the node bridge and the pod end as eth0, lo up, a
// default route. The fallback where netlink-pod-network.ts's in-process path is unavailable.

import { createHash } from "node:crypto";
import { ip, ipBatch } from "./ip-command.ts";

export interface PodNetworkSpec {
  /** `ip netns` name (see netnsName). */
  netns: string;
  /** Host side of the veth (see vethName). */
  veth: string;
  bridge: string;
  /** The pod's address, e.g. "10.88.3.7". */
  ip: string;
  prefixLength: number;
  gateway: string;
}

/** `kube-<node>-<namespace>-<pod>-<id8>`, sanitised to what `ip netns` accepts; readable in `ip netns list`. */
export function netnsName(node: string, namespace: string, pod: string, sandboxId: string): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, "-");
  const name = `kube-${clean(node)}-${clean(namespace)}-${clean(pod)}`.slice(0, 200);
  return `${name}-${clean(sandboxId).slice(0, 8)}`;
}

/** `kv` + 11 hex of sha1(key): unique per sandbox and within IFNAMSIZ. */
export function vethName(key: string): string {
  return `kv${createHash("sha1").update(key).digest("hex").slice(0, 11)}`;
}

export async function netnsExists(name: string): Promise<boolean> {
  return (await ip("netns", "list")).split("\n").some((line) => line.split(" ")[0] === name);
}

/**
 * Builds the namespace and its plumbing in two `ip -batch` processes (host side, then pod side:
 * a spawn is the expensive part); on failure undoes what it made and rethrows.
 */
export async function setupPodNetwork(spec: PodNetworkSpec): Promise<void> {
  try {
    await ipBatch([
      ["netns", "add", spec.netns],
      // The pod end is created directly inside the namespace, so "eth0" never clashes on the host.
      ["link", "add", spec.veth, "type", "veth", "peer", "name", "eth0", "netns", spec.netns],
      ["link", "set", "dev", spec.veth, "master", spec.bridge, "up"],
    ]);
    await ipBatch(
      [
        ["link", "set", "dev", "lo", "up"],
        ["addr", "add", `${spec.ip}/${spec.prefixLength}`, "dev", "eth0"],
        ["link", "set", "dev", "eth0", "up"],
        ["route", "add", "default", "via", spec.gateway, "dev", "eth0"],
      ],
      { netns: spec.netns },
    );
  } catch (error) {
    await teardownPodNetwork(spec.netns, spec.veth);
    throw error;
  }
}

/** Deletes the veth and the namespace (either may already be gone), in one `ip -force -batch`. */
export async function teardownPodNetwork(netns: string, veth: string): Promise<void> {
  // The veth first: the kernel frees a deleted namespace's devices asynchronously.
  await ipBatch(
    [
      ["link", "del", "dev", veth],
      ["netns", "del", netns],
    ],
    { force: true },
  );
}
