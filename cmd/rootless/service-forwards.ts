// Which host ports rootless kube forwards for a set of Services: every NodePort (NodePort and
// LoadBalancer Services) and every LoadBalancer port, TCP and UDP, on the host's 127.0.0.1.
// Ports a user may not bind (below net.ipv4.ip_unprivileged_port_start) move up by 10000, as
// k3s's rootless mode does; the rule is printed at start (privilegedPortRule).

import type { Service } from "kubernetes-types/core/v1";
import type { ForwardProto } from "./slirp-network.ts";

/** Where a shifted port goes: port + PRIVILEGED_PORT_SHIFT (80 -> 10080). */
export const PRIVILEGED_PORT_SHIFT = 10000;

export interface Forward {
  proto: ForwardProto;
  hostPort: number;
  /** Address inside kube's namespace: the tap address for NodePorts, the ingress IP for load balancers. */
  guestAddress: string;
  guestPort: number;
  /** "namespace/name" of the Service, for messages. */
  service: string;
}

export const forwardKey = (f: Forward): string => `${f.proto}/${f.hostPort}`;

/** The host port for `port`: itself when a user may bind it, else shifted up. */
export function hostPortFor(port: number, unprivilegedStart: number): number {
  return port < unprivilegedStart ? port + PRIVILEGED_PORT_SHIFT : port;
}

/** The one line said at start about ports below the limit. */
export function privilegedPortRule(unprivilegedStart: number): string {
  if (unprivilegedStart <= 0)
    return "every port is forwarded at its own number (net.ipv4.ip_unprivileged_port_start=0)";
  return `ports below ${unprivilegedStart} (net.ipv4.ip_unprivileged_port_start) are forwarded at port+${PRIVILEGED_PORT_SHIFT} (80 -> ${80 + PRIVILEGED_PORT_SHIFT}); others at their own number`;
}

function protoOf(protocol: string | undefined): ForwardProto | undefined {
  if (protocol === undefined || protocol === "TCP") return "tcp";
  if (protocol === "UDP") return "udp";
  return undefined; // SCTP: slirp4netns forwards TCP and UDP only
}

/** The forwards a set of Services wants; the first Service to claim a host port keeps it. */
export function serviceForwards(
  services: readonly Service[],
  tapAddress: string,
  unprivilegedStart: number,
): Forward[] {
  const out = new Map<string, Forward>();
  const add = (forward: Forward): void => {
    const key = forwardKey(forward);
    if (!out.has(key)) out.set(key, forward);
  };
  const sorted = [...services].sort((a, b) =>
    (a.metadata?.creationTimestamp ?? "").localeCompare(b.metadata?.creationTimestamp ?? ""),
  );
  for (const service of sorted) {
    const spec = service.spec;
    if (!spec || (spec.type !== "NodePort" && spec.type !== "LoadBalancer")) continue;
    const name = `${service.metadata?.namespace ?? ""}/${service.metadata?.name ?? ""}`;
    const ingress = (service.status?.loadBalancer?.ingress ?? []).find((i) => i.ip)?.ip;
    for (const port of spec.ports ?? []) {
      const proto = protoOf(port.protocol);
      if (!proto) continue;
      if (port.nodePort)
        add({
          proto,
          hostPort: hostPortFor(port.nodePort, unprivilegedStart),
          guestAddress: tapAddress,
          guestPort: port.nodePort,
          service: name,
        });
      if (spec.type === "LoadBalancer" && ingress)
        add({
          proto,
          hostPort: hostPortFor(port.port, unprivilegedStart),
          guestAddress: ingress,
          guestPort: port.port,
          service: name,
        });
    }
  }
  return [...out.values()];
}
