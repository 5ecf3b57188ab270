// `kube dns`: the cluster DNS server (what CoreDNS is in a kubeadm cluster), run on the host.
// With --cluster-ip it publishes itself as Service kube-system/kube-dns.

import { isIP } from "node:net";
import { startDns } from "../components/dns/dns-server.ts";
import { parseUpstream } from "../components/dns/forwarder.ts";
import { apiClientFromFlags } from "./api-client-flags.ts";
import { parsePort } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { supervise } from "./supervise.ts";
import { UsageError } from "./usage-error.ts";

function parseIP(flag: string, value: string): string {
  if (!isIP(value)) throw new UsageError(`invalid value "${value}" for --${flag}: want an IP address`);
  return value;
}

function parseDomain(value: string): string {
  const domain = value.toLowerCase().replace(/\.$/, "");
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(domain))
    throw new UsageError(
      `invalid value "${value}" for --cluster-domain: want a DNS name such as cluster.local`,
    );
  return domain;
}

function parseUpstreams(value: string): string[] {
  const list = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const item of list) {
    try {
      parseUpstream(item);
    } catch {
      throw new UsageError(
        `invalid value "${item}" in --upstream: want an IP address, optionally with :port`,
      );
    }
  }
  return list;
}

export const dnsCommand = defineKubeCommand({
  name: "dns",
  description: "Cluster DNS: service and pod names, other names forwarded",
  args: {
    kubeconfig: { type: "string", description: "Path to a kubeconfig with the API server and credentials" },
    master: {
      type: "string",
      description: "API server URL (overrides the kubeconfig's server); several, comma separated, fail over",
    },
    "bind-address": {
      type: "string",
      description: "Address to serve DNS on (UDP and TCP)",
      default: "0.0.0.0",
    },
    port: {
      type: "string",
      description: "Port to serve DNS on, UDP and TCP (0: pick a free one)",
      default: "53",
    },
    "cluster-domain": {
      type: "string",
      description: "The domain the cluster's names live under",
      default: "cluster.local",
    },
    "resolv-conf": {
      type: "string",
      description: "Forward other names to this file's nameservers",
      default: "/etc/resolv.conf",
    },
    upstream: {
      type: "string",
      description: "Forward other names to these resolvers instead (ip or ip:port, comma-separated)",
    },
    "cluster-ip": {
      type: "string",
      description: "Publish the server as Service kube-system/kube-dns at this ClusterIP (e.g. 10.96.0.10)",
    },
    "advertise-address": {
      type: "string",
      description:
        "The address pods reach the server at, for the kube-dns endpoints (default: --bind-address)",
    },
  },
  run: (args, prog) => {
    const log = (line: string): void => console.error(`${prog}: ${line}`);
    const bindAddress = parseIP("bind-address", args["bind-address"]);
    const port = parsePort("port", args.port);
    const clusterDomain = parseDomain(args["cluster-domain"]);
    const upstream = args.upstream === undefined ? undefined : parseUpstreams(args.upstream);
    let service: { clusterIP: string; advertiseAddress: string } | undefined;
    if (args["cluster-ip"] !== undefined) {
      const clusterIP = parseIP("cluster-ip", args["cluster-ip"]);
      const advertise = args["advertise-address"] ?? bindAddress;
      const advertiseAddress = parseIP("advertise-address", advertise);
      if (advertiseAddress === "0.0.0.0" || advertiseAddress === "::")
        throw new UsageError("--cluster-ip needs --advertise-address when --bind-address is a wildcard");
      service = { clusterIP, advertiseAddress };
    } else if (args["advertise-address"] !== undefined) {
      throw new UsageError("--advertise-address only matters with --cluster-ip");
    }
    const client = apiClientFromFlags(args, "kube-dns");
    return supervise({
      prog,
      starters: [
        () =>
          startDns({
            client,
            bindAddress,
            port,
            clusterDomain,
            upstream,
            resolvConf: args["resolv-conf"],
            service,
            log,
          }),
      ],
      onReady: () => log(`cluster DNS running against ${client.server}`),
    });
  },
});
