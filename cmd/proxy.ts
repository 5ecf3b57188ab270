// `kube proxy` (multicall: kube-proxy): Service virtual IPs and node ports. Flags follow
// upstream kube-proxy (--hostname-override, --proxy-mode, --sync-period, --nodeport-addresses);
// --host-gw adds flannel's host-gw routes to other nodes' pods.

import { hostname } from "node:os";
import { startHostGw } from "../components/proxy/host-gw.ts";
import { startProxy } from "../components/proxy/proxy.ts";
import { apiClientFromFlags } from "./api-client-flags.ts";
import { parseCidr as cidr, parseIpAddress as ipv4, parseDuration } from "./flag-values.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { supervise } from "./supervise.ts";
import { UsageError } from "./usage-error.ts";

const MODES = ["auto", "nftables", "userspace"] as const;

export const proxyCommand = defineKubeCommand({
  name: "proxy",
  description: "Service virtual IPs and node ports",
  args: {
    kubeconfig: { type: "string", description: "Path to a kubeconfig with the API server and credentials" },
    master: {
      type: "string",
      description: "API server URL (overrides the kubeconfig's server); several, comma separated, fail over",
    },
    "hostname-override": {
      type: "string",
      description: "Use this name instead of the hostname as the node name",
    },
    "proxy-mode": {
      type: "string",
      description: "auto (nftables when nft works, else userspace), nftables or userspace",
      default: "auto",
    },
    "sync-period": {
      type: "string",
      description: "Full resync interval of the rules or listeners",
      default: "30s",
    },
    "nodeport-addresses": {
      type: "string",
      description: "Comma-separated IPv4 addresses node ports answer on (default: every local address)",
    },
    "service-cluster-ip-range": {
      type: "string",
      description: "The cluster IP range: unallocated cluster IPs are rejected, never routed out",
    },
    "nftables-table": {
      type: "string",
      description: "nftables mode: the table (family ip) the proxy owns",
      default: "kube-proxy",
    },
    "host-gw": {
      type: "boolean",
      description:
        "Route every other node's pod CIDR via its InternalIP (flannel's host-gw: pods across hosts on one network)",
    },
    "dummy-interface": {
      type: "string",
      description: "userspace mode: the dummy interface holding the cluster IPs",
      default: "kube-proxy0",
    },
  },
  run: (args, prog) => {
    const log = (line: string): void => console.error(`${prog}: ${line}`);
    const mode = args["proxy-mode"];
    if (!(MODES as readonly string[]).includes(mode))
      throw new UsageError(`invalid --proxy-mode "${mode}": want auto, nftables or userspace`);
    const syncPeriodMs = parseDuration("sync-period", args["sync-period"]);
    const nodePortAddresses = args["nodeport-addresses"]
      ?.split(",")
      .map((a) => a.trim())
      .filter(Boolean)
      .map((a) => ipv4("nodeport-addresses", a));
    const range = args["service-cluster-ip-range"];
    const serviceClusterIPRange = range === undefined ? undefined : cidr("service-cluster-ip-range", range);
    const client = apiClientFromFlags(args, "kube-proxy");
    const nodeName = args["hostname-override"] || hostname();
    return supervise({
      prog,
      starters: [
        () =>
          startProxy({
            client,
            nodeName,
            mode: mode as (typeof MODES)[number],
            tableName: args["nftables-table"],
            interfaceName: args["dummy-interface"],
            syncPeriodMs,
            nodePortAddresses,
            serviceClusterIPRange,
            log,
          }),
        ...(args["host-gw"] ? [() => startHostGw({ client, nodeName, log })] : []),
      ],
      onReady: () => log(`proxy ready on node ${nodeName} against ${client.server}`),
    });
  },
});
