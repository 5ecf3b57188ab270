// A pod's network made in-process over netlink (no `ip` spawn per pod): the named namespace, the
// veth with its host end on the bridge, then lo, the address, eth0 and the default route inside —
// what the CNI bridge plugin does, the same steps pod-network.ts's `ip -batch` fallback runs.

import { NamedNetns } from "./named-netns.ts";
import {
  defaultRouteMessage,
  delLinkMessage,
  linkUpMessage,
  newAddressMessage,
  newVethMessage,
} from "./netlink-messages.ts";
import { netnsSyscalls } from "./netns-syscalls.ts";
import type { PodNetworkSpec } from "./pod-network.ts";
import { ENODEV, NetlinkError, RouteSocket } from "./route-socket.ts";

/** How long release() lets the kernel take before it deletes the veth itself. */
const RELEASE_TIMEOUT_MS = 5000;

export class NetlinkPodNetwork {
  private constructor(
    private readonly netns: NamedNetns,
    /** The long-lived socket in the kubelet's namespace (host ends, the bridge). */
    private readonly host: RouteSocket,
  ) {}

  /** Undefined where libc's calls are not available (the caller then spawns `ip`). */
  static open(): NetlinkPodNetwork | undefined {
    const sys = netnsSyscalls();
    if (sys === undefined) return undefined;
    try {
      return new NetlinkPodNetwork(NamedNetns.open(sys), RouteSocket.open(sys));
    } catch {
      return undefined;
    }
  }

  /** Builds the namespace and its plumbing; on failure undoes what it made and throws. */
  setup(spec: PodNetworkSpec): void {
    const host = this.host;
    const master = host.linkIndex(spec.bridge);
    const made = this.netns.create(spec.netns);
    try {
      let seq = host.nextSeq();
      host.request(
        newVethMessage(seq, { host: spec.veth, peer: "eth0", masterIndex: master, netnsFd: made.fd }),
        seq,
        `ip link add ${spec.veth} master ${spec.bridge} up type veth peer name eth0 netns ${spec.netns}`,
      );
      const pod = made.socket;
      seq = pod.nextSeq();
      pod.request(linkUpMessage(seq, "lo"), seq, `ip -n ${spec.netns} link set dev lo up`);
      const eth0 = pod.linkIndex("eth0");
      seq = pod.nextSeq();
      pod.request(
        newAddressMessage(seq, eth0, spec.ip, spec.prefixLength),
        seq,
        `ip -n ${spec.netns} addr add ${spec.ip}/${spec.prefixLength} dev eth0`,
      );
      seq = pod.nextSeq();
      pod.request(linkUpMessage(seq, "eth0"), seq, `ip -n ${spec.netns} link set dev eth0 up`);
      seq = pod.nextSeq();
      pod.request(
        defaultRouteMessage(seq, eth0, spec.gateway),
        seq,
        `ip -n ${spec.netns} route add default via ${spec.gateway} dev eth0`,
      );
    } catch (error) {
      this.teardown(spec.netns, spec.veth);
      throw error;
    } finally {
      made.socket.close();
      netnsSyscalls()?.close(made.fd);
    }
  }

  /** Deletes the veth, then the namespace; either may already be gone. Blocks: see release(). */
  teardown(netns: string, veth: string): void {
    try {
      this.deleteLink(veth);
    } finally {
      this.netns.remove(netns);
    }
  }

  /**
   * A pod's network, gone without blocking this thread: a `link del` here held the JS thread
   * 30-50 ms per pod (rtnetlink runs it inside send(), under RTNL, through synchronize_net).
   * Removing the namespace's mount drops its last reference, and the kernel's own cleanup worker
   * destroys it — batching pods that go together — with its eth0 and so the veth's host end.
   * Resolves once the host end is gone; when something still holds the namespace (a process left
   * in it) after `timeoutMs`, the veth is deleted here.
   */
  async release(netns: string, veth: string, timeoutMs = RELEASE_TIMEOUT_MS): Promise<void> {
    this.netns.remove(netns);
    const deadline = Date.now() + timeoutMs;
    for (let delay = 5; this.hasLink(veth); delay = Math.min(delay * 2, 50)) {
      if (Date.now() >= deadline) return this.deleteLink(veth);
      await Bun.sleep(delay);
    }
  }

  private hasLink(name: string): boolean {
    try {
      this.host.linkIndex(name);
      return true;
    } catch (error) {
      if (error instanceof NetlinkError && error.errno === ENODEV) return false;
      throw error;
    }
  }

  private deleteLink(veth: string): void {
    const seq = this.host.nextSeq();
    try {
      this.host.request(delLinkMessage(seq, veth), seq, `ip link del dev ${veth}`);
    } catch (error) {
      if (!(error instanceof NetlinkError && error.errno === ENODEV)) throw error;
    }
  }
}
