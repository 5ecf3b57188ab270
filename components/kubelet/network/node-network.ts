// The node's pod network as one object: its pod CIDR (given, remembered, or picked free), the
// bridge holding the gateway, host-local IP allocation, and per-pod namespace setup and teardown.

import { cidrsOverlap, requireCidr } from "../../../lib/net/ipv4.ts";
import { bridgeName, ensureBridge, removeBridge } from "./bridge.ts";
import { HostLocalIpam } from "./host-local-ipam.ts";
import { NetlinkPodNetwork } from "./netlink-pod-network.ts";
import { hostPrefixes, pickFreeCidr } from "./pod-cidr.ts";
import { netnsName, setupPodNetwork, teardownPodNetwork, vethName } from "./pod-network.ts";

export interface NodeNetworkOptions {
  nodeName: string;
  /** Wanted pod CIDR; else the one remembered in `remembered`; else a free /24 in 10.88.0.0/16. */
  podCIDR?: string;
  remembered?: string;
  /** Directory of the host-local allocation files. */
  ipamDir: string;
}

export interface PodAttachment {
  netns: string;
  veth: string;
  ip: string;
}

export class NodeNetwork {
  readonly podCIDR: string;
  readonly bridge: string;
  readonly gateway: string;
  private readonly nodeName: string;
  private readonly ipam: HostLocalIpam;
  /**
   * In-process netlink, opened at the first pod (libc through bun:ffi: ~5-8 ms of CPU a node
   * without pods never needs); null: `ip -batch` processes (no libc, or KUBE_NETLINK=0).
   */
  private opened: NetlinkPodNetwork | null | undefined;

  private constructor(nodeName: string, podCIDR: string, ipamDir: string) {
    this.nodeName = nodeName;
    this.podCIDR = podCIDR;
    this.bridge = bridgeName(nodeName);
    this.gateway = HostLocalIpam.gateway(podCIDR);
    this.ipam = new HostLocalIpam(ipamDir, podCIDR);
  }

  private get netlink(): NetlinkPodNetwork | undefined {
    if (this.opened === undefined)
      this.opened = (process.env.KUBE_NETLINK === "0" ? undefined : NetlinkPodNetwork.open()) ?? null;
    return this.opened ?? undefined;
  }

  /** Chooses the CIDR and brings the bridge up (idempotent: an existing bridge is reused). */
  static async start(options: NodeNetworkOptions): Promise<NodeNetwork> {
    let cidr = options.podCIDR;
    if (cidr === undefined) {
      // Our own bridge's addresses (left by a previous run) do not count as taken.
      const taken = await hostPrefixes(bridgeName(options.nodeName));
      const remembered = options.remembered;
      // The range a previous run used, unless something else took it meanwhile.
      cidr =
        remembered !== undefined && !taken.some((prefix) => cidrsOverlap(prefix, requireCidr(remembered)))
          ? remembered
          : pickFreeCidr(options.nodeName, taken);
    }
    const prefix = requireCidr(cidr);
    const network = new NodeNetwork(
      options.nodeName,
      `${cidr.split("/")[0]}/${prefix.bits}`,
      options.ipamDir,
    );
    await ensureBridge(network.bridge, `${network.gateway}/${prefix.bits}`);
    return network;
  }

  /**
   * Creates the pod's namespace, veth and address; `key` (the sandbox ID) owns the IP and ends the
   * netns name, so a pod's next sandbox never clashes with a stopped one not yet removed.
   */
  async attach(key: string, namespace: string, pod: string): Promise<PodAttachment> {
    const address = await this.ipam.allocate(key);
    const attachment = {
      netns: netnsName(this.nodeName, namespace, pod, key),
      veth: vethName(key),
      ip: address,
    };
    const spec = {
      ...attachment,
      bridge: this.bridge,
      prefixLength: requireCidr(this.podCIDR).bits,
      gateway: this.gateway,
    };
    try {
      if (this.netlink !== undefined) this.netlink.setup(spec);
      else await setupPodNetwork(spec);
    } catch (error) {
      await this.ipam.release(address);
      throw error;
    }
    return attachment;
  }

  async detach(attachment: PodAttachment): Promise<void> {
    if (this.netlink !== undefined) await this.netlink.release(attachment.netns, attachment.veth);
    else await teardownPodNetwork(attachment.netns, attachment.veth);
    await this.ipam.release(attachment.ip);
  }

  /** IPs held by owners not in `live` (sandboxes that vanished while the kubelet was away). */
  async releaseOrphans(live: Set<string>): Promise<void> {
    for (const [address, owner] of await this.ipam.list()) {
      if (!live.has(owner)) await this.ipam.release(address);
    }
  }

  async removeBridge(): Promise<void> {
    await removeBridge(this.bridge);
  }
}
