// The userspace data path (upstream's old userspace proxier, with VIPs on a dummy interface as
// its ipvs mode has them on kube-ipvs0): cluster IPs become local addresses of our own dummy
// interface and the proxy listens on VIP:port, external IP:port and node ports (TCP and UDP),
// relaying to endpoints. No endpoints, no listener: the kernel refuses the connection.

import { EndpointPicker } from "./endpoint-picker.ts";
import { mustRun, runHostCommand } from "./host-command.ts";
import type { Proxier } from "./proxier.ts";
import type { ProxyEndpoint, ServicePort } from "./service-ports.ts";
import { TcpRelay } from "./tcp-relay.ts";
import { UdpRelay } from "./udp-relay.ts";

export interface UserspaceProxierOptions {
  interfaceName: string;
  /** Unallocated cluster IPs get an unreachable route instead of leaving by the default route. */
  serviceCIDR?: string;
  /** Node port listen addresses; default 0.0.0.0. */
  nodePortAddresses?: string[];
  log: (line: string) => void;
}

interface Listener {
  picker: EndpointPicker;
  relay: TcpRelay | UdpRelay;
}

interface WantedListener {
  protocol: ServicePort["protocol"];
  host: string;
  port: number;
  endpoints: ProxyEndpoint[];
  affinitySeconds: number | undefined;
}

export class UserspaceProxier implements Proxier {
  readonly mode = "userspace";
  readonly describe: string;
  /** Addresses on the interface; undefined until the interface was (re)created. */
  private addresses: Set<string> | undefined;
  private readonly listeners = new Map<string, Listener>();

  constructor(private readonly options: UserspaceProxierOptions) {
    this.describe = `interface ${options.interfaceName}`;
  }

  async sync(ports: readonly ServicePort[]): Promise<void> {
    await this.syncAddresses(new Set(ports.map((p) => p.clusterIP)));
    const wanted = new Map<string, WantedListener>();
    const want = (p: ServicePort, host: string, port: number, endpoints: ProxyEndpoint[]) => {
      if (endpoints.length === 0) return;
      const key = `${p.protocol}/${host}/${port}`;
      if (!wanted.has(key))
        wanted.set(key, { protocol: p.protocol, host, port, endpoints, affinitySeconds: p.affinitySeconds });
    };
    for (const p of ports) {
      want(p, p.clusterIP, p.port, p.endpoints);
      const external = p.externalLocal ? p.endpoints.filter((e) => e.local) : p.endpoints;
      for (const ip of p.externalIPs) want(p, ip, p.port, external);
      if (p.nodePort)
        for (const host of this.options.nodePortAddresses ?? ["0.0.0.0"]) want(p, host, p.nodePort, external);
    }
    for (const [key, listener] of this.listeners) {
      if (wanted.has(key)) continue;
      this.listeners.delete(key);
      await listener.relay.close();
    }
    const failures: string[] = [];
    for (const [key, w] of wanted) {
      let listener = this.listeners.get(key);
      if (!listener) {
        const picker = new EndpointPicker();
        try {
          const relay =
            w.protocol === "tcp"
              ? await TcpRelay.listen(w.host, w.port, picker)
              : await UdpRelay.listen(w.host, w.port, picker);
          listener = { picker, relay };
          this.listeners.set(key, listener);
        } catch (error) {
          failures.push(`listen ${key}: ${(error as Error).message}`);
          continue;
        }
      }
      listener.picker.update(w.endpoints, w.affinitySeconds);
    }
    if (failures.length) throw new Error(failures.join("; "));
  }

  private async syncAddresses(wanted: Set<string>): Promise<void> {
    const name = this.options.interfaceName;
    if (!this.addresses) {
      // A previous run's interface goes with every address it held.
      await runHostCommand(["ip", "link", "del", "dev", name]);
      // Kernels without the dummy module get a port-less bridge: as inert, and always built in.
      const dummy = await runHostCommand(["ip", "link", "add", name, "type", "dummy"]);
      if (dummy.exitCode !== 0) await mustRun(["ip", "link", "add", name, "type", "bridge"]);
      await mustRun(["ip", "link", "set", "dev", name, "up"]);
      if (this.options.serviceCIDR)
        await mustRun(["ip", "route", "replace", "unreachable", this.options.serviceCIDR]);
      this.addresses = new Set();
    }
    const current = this.addresses;
    const commands: string[] = [];
    for (const ip of wanted) if (!current.has(ip)) commands.push(`address add ${ip}/32 dev ${name}`);
    for (const ip of current) if (!wanted.has(ip)) commands.push(`address del ${ip}/32 dev ${name}`);
    if (commands.length === 0) return;
    try {
      await mustRun(["ip", "-batch", "-"], `${commands.join("\n")}\n`);
    } catch (error) {
      this.addresses = undefined;
      throw error;
    }
    this.addresses = new Set(wanted);
  }

  async cleanup(): Promise<void> {
    for (const listener of this.listeners.values()) await listener.relay.close();
    this.listeners.clear();
    this.addresses = undefined;
    await runHostCommand(["ip", "link", "del", "dev", this.options.interfaceName]);
    if (this.options.serviceCIDR)
      await runHostCommand(["ip", "route", "del", "unreachable", this.options.serviceCIDR]);
  }
}
