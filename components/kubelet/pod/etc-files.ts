// A pod's /etc/hosts and /etc/resolv.conf, as the kubelet writes them (pkg/kubelet/
// kubelet_pods.go managedHostsFileContent, pkg/kubelet/network/dns/dns.go): the pod's own name
// on its IP, hostAliases, and the DNS policy (ClusterFirst with the cluster DNS, Default: host).

import { readFileSync } from "node:fs";
import type { Pod } from "kubernetes-types/core/v1";

export function podHostname(pod: Pod): string {
  return pod.spec?.hostname ?? pod.metadata?.name ?? "pod";
}

export function hostsFile(pod: Pod, podIP: string, clusterDomain: string): string {
  const lines = [
    "# Kubernetes-managed hosts file.",
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "fe00::0\tip6-mcastprefix",
    "fe00::1\tip6-allnodes",
    "fe00::2\tip6-allrouters",
  ];
  const hostname = podHostname(pod);
  if (pod.spec?.subdomain) {
    const fqdn = `${hostname}.${pod.spec.subdomain}.${pod.metadata?.namespace ?? "default"}.svc.${clusterDomain}`;
    lines.push(`${podIP}\t${fqdn}\t${hostname}`);
  } else {
    lines.push(`${podIP}\t${hostname}`);
  }
  for (const alias of pod.spec?.hostAliases ?? []) {
    lines.push(`${alias.ip}\t${(alias.hostnames ?? []).join("\t")}`);
  }
  return `${lines.join("\n")}\n`;
}

export interface DnsSettings {
  /** Cluster DNS server addresses (`--cluster-dns`); empty: ClusterFirst falls back to the host's. */
  clusterDNS: string[];
  clusterDomain: string;
  /** The host's resolv.conf path (`--resolv-conf`). */
  hostResolvConf: string;
}

function hostResolv(path: string): { nameservers: string[]; searches: string[]; options: string[] } {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // no host resolv.conf: empty
  }
  const result = { nameservers: [] as string[], searches: [] as string[], options: [] as string[] };
  for (const line of text.split("\n")) {
    const [key, ...values] = line.trim().split(/\s+/);
    if (key === "nameserver" && values[0]) result.nameservers.push(values[0]);
    else if (key === "search") result.searches = values;
    else if (key === "options") result.options.push(...values);
  }
  return result;
}

export function resolvConf(pod: Pod, dns: DnsSettings): string {
  const host = hostResolv(dns.hostResolvConf);
  const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
  const ns = pod.metadata?.namespace ?? "default";
  let nameservers = host.nameservers;
  let searches = host.searches;
  let options = host.options;
  const clusterFirst =
    (policy === "ClusterFirst" && !pod.spec?.hostNetwork) || policy === "ClusterFirstWithHostNet";
  if (clusterFirst && dns.clusterDNS.length) {
    nameservers = dns.clusterDNS;
    const d = dns.clusterDomain;
    searches = [`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches];
    options = ["ndots:5"];
  }
  if (policy === "None") {
    nameservers = [];
    searches = [];
    options = [];
  }
  const config = pod.spec?.dnsConfig;
  if (config) {
    nameservers = [...nameservers, ...(config.nameservers ?? [])];
    searches = [...searches, ...(config.searches ?? [])];
    for (const option of config.options ?? []) {
      const text = option.value === undefined ? option.name : `${option.name}:${option.value}`;
      options = [...options.filter((o) => o.split(":")[0] !== option.name), text ?? ""];
    }
  }
  const lines: string[] = [];
  if (searches.length) lines.push(`search ${[...new Set(searches)].slice(0, 32).join(" ")}`);
  for (const server of nameservers.slice(0, 3)) lines.push(`nameserver ${server}`);
  if (options.length) lines.push(`options ${options.join(" ")}`);
  return `${lines.join("\n")}\n`;
}
