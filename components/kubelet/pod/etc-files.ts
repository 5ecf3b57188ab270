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
  /** The host's resolv.conf path (`--resolv-conf`); "": no host DNS (nameserver 127.0.0.1, search "."). */
  hostResolvConf: string;
}

interface ResolverConfig {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** Upstream's limits (core validation MaxDNSNameservers, ExpandedDNSConfig, DNS1123SubdomainMaxLength). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_LINE_CHARS = 2048;
const MAX_SEARCH_PATH_CHARS = 253;

/** parseResolvConf: nameservers accumulate; the last search and options lines win; # comments. */
function hostResolv(path: string): ResolverConfig {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // no host resolv.conf: empty
  }
  const result: ResolverConfig = { nameservers: [], searches: [], options: [] };
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("#")) continue;
    const [key, ...values] = trimmed.split(/\s+/);
    if (key === "nameserver" && values[0]) result.nameservers.push(values[0]);
    // Trailing dots dropped so "a.test." and "a.test" count once against the limits.
    else if (key === "search") result.searches = values.map((v) => v.replace(/\.$/, ""));
    else if (key === "options") result.options = values;
  }
  return result;
}

function omitDuplicates(values: string[]): string[] {
  return [...new Set(values)];
}

/** mergeDNSOptions: one entry per option name, dnsConfig's value winning. */
function mergeOptions(existing: string[], extra: { name?: string; value?: string }[]): string[] {
  const merged = new Map<string, string>();
  for (const option of existing) {
    const colon = option.indexOf(":");
    if (colon < 0) merged.set(option, "");
    else merged.set(option.slice(0, colon), option.slice(colon + 1));
  }
  for (const option of extra) if (option.name) merged.set(option.name, option.value ?? "");
  return [...merged].map(([name, value]) => (value === "" ? name : `${name}:${value}`));
}

/** formDNSSearchFitsLimits: at most 32 paths, none over 253 chars, the line at most 2048 chars. */
function searchesWithinLimits(searches: string[]): string[] {
  const fitting = searches.slice(0, MAX_SEARCH_PATHS).filter((s) => s.length <= MAX_SEARCH_PATH_CHARS);
  while (fitting.length && fitting.join(" ").length > MAX_SEARCH_LINE_CHARS) fitting.pop();
  return fitting;
}

/** The pod's resolv.conf (pkg/kubelet/network/dns/dns.go GetPodDNS), as containerd writes it. */
export function resolvConf(pod: Pod, dns: DnsSettings): string {
  const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
  const ns = pod.metadata?.namespace ?? "default";
  let config = hostResolv(dns.hostResolvConf);
  const clusterFirst =
    (policy === "ClusterFirst" && !pod.spec?.hostNetwork) || policy === "ClusterFirstWithHostNet";
  if (policy === "None") {
    config = { nameservers: [], searches: [], options: [] };
  } else if (clusterFirst && dns.clusterDNS.length) {
    const d = dns.clusterDomain;
    config = {
      nameservers: [...dns.clusterDNS],
      searches: d ? omitDuplicates([`${ns}.svc.${d}`, `svc.${d}`, d, ...config.searches]) : config.searches,
      options: ["ndots:5"],
    };
  } else if (dns.hostResolvConf === "") {
    // Default (or ClusterFirst without a cluster DNS) with no host resolv.conf: effectively no DNS.
    config = { nameservers: ["127.0.0.1"], searches: ["."], options: config.options };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    config = {
      nameservers: omitDuplicates([...config.nameservers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...config.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(config.options, extra.options ?? []),
    };
  }
  const searches = searchesWithinLimits(config.searches);
  const lines: string[] = [];
  if (searches.length) lines.push(`search ${searches.join(" ")}`);
  for (const server of config.nameservers.slice(0, MAX_NAMESERVERS)) lines.push(`nameserver ${server}`);
  if (config.options.length) lines.push(`options ${config.options.join(" ")}`);
  return `${lines.join("\n")}\n`;
}
