// Renders the proxy's nftables table as one `nft -f` transaction (after upstream kube-proxy's
// nftables proxier, pkg/proxy/nftables/proxier.go): vmaps from VIP/node port to a chain per
// service port, numgen-random choice of an endpoint chain, ClientIP affinity through per-endpoint
// dynamic sets with timeouts, DNAT, and a mark that postrouting turns into a masquerade.

import type { ServicePort } from "./service-ports.ts";

export interface NftRulesetOptions {
  /** Table name (family ip). */
  table: string;
  ports: readonly ServicePort[];
  /** The cluster IP range: traffic to an unallocated IP in it is rejected, never routed out. */
  serviceCIDR?: string;
  /** Node port destinations (upstream --nodeport-addresses); default every local address but 127/8. */
  nodePortAddresses?: readonly string[];
}

/** What a transaction leaves in the table (chain → its rules; set → its declaration), to diff against. */
export interface TableContents {
  chains: Map<string, string[]>;
  sets: Map<string, string>;
}

export interface RenderedRuleset {
  text: string;
  contents: TableContents;
}

const MASQ_MARK = "0x4000";

/** Base chains: name, hook declaration, rules. Priorities as upstream (filter before/after DNAT). */
const BASE_CHAINS: [string, string, string[]][] = [
  ["nat-prerouting", "type nat hook prerouting priority dstnat; policy accept;", ["jump services"]],
  ["nat-output", "type nat hook output priority -100; policy accept;", ["jump services"]],
  ["nat-postrouting", "type nat hook postrouting priority srcnat; policy accept;", ["jump masquerading"]],
  [
    "filter-input",
    "type filter hook input priority -110; policy accept;",
    ["ct state new jump nodeport-endpoints-check", "ct state new jump service-endpoints-check"],
  ],
  [
    "filter-forward",
    "type filter hook forward priority -110; policy accept;",
    ["ct state new jump service-endpoints-check", "ct state new jump cluster-ips-check"],
  ],
  [
    "filter-output",
    "type filter hook output priority -110; policy accept;",
    ["ct state new jump service-endpoints-check"],
  ],
  [
    "filter-output-post-dnat",
    "type filter hook output priority -90; policy accept;",
    ["ct state new jump cluster-ips-check"],
  ],
];

/** nft identifiers: letters, digits, / . _ - (Kubernetes names and IPs fit). */
const svcChain = (p: ServicePort) => `svc-${p.id}`;
const extChain = (p: ServicePort) => `ext-${p.id}`;
const epChain = (p: ServicePort, ip: string, port: number) => `ep-${p.id}__${ip}/${port}`;
const affinitySet = (p: ServicePort, ip: string, port: number) => `aff-${p.id}__${ip}/${port}`;

/** An anonymous verdict map; a key given twice (two services claiming one IP and port) keeps the first. */
function vmap(entries: string[]): string {
  const byKey = new Map<string, string>();
  for (const entry of entries) {
    const key = entry.slice(0, entry.lastIndexOf(" : "));
    if (!byKey.has(key)) byKey.set(key, entry);
  }
  return `{ ${[...byKey.values()].join(", ")} }`;
}

/**
 * The transaction bringing table `options.table` to exactly the rules for `options.ports`.
 * Without `previous` it deletes and recreates the whole table (first sync after start: nothing a
 * previous run left survives). With `previous` (what the last successful transaction left) it
 * touches only what differs: new chains and sets added, changed chains flushed and refilled,
 * stale ones flushed then deleted. Affinity sets keep their entries; an endpoint change rewrites
 * only its service's chains.
 */
export function renderRuleset(options: NftRulesetOptions, previous?: TableContents): RenderedRuleset {
  const t = `ip ${options.table}`;
  const chains = new Map<string, string[]>();
  const decls = new Map<string, string>();
  const sets = new Map<string, string>();
  const chain = (name: string, decl = "") => {
    chains.set(name, []);
    if (decl) decls.set(name, decl);
  };
  const rule = (name: string, body: string) => chains.get(name)?.push(body);
  const addSet = (name: string, decl: string) => sets.set(name, decl);

  for (const [name, decl, body] of BASE_CHAINS) {
    chain(name, decl);
    for (const r of body) rule(name, r);
  }
  chain("mark-for-masquerade");
  rule("mark-for-masquerade", `meta mark set meta mark or ${MASQ_MARK}`);
  chain("masquerading");
  rule("masquerading", `meta mark & ${MASQ_MARK} == 0 return`);
  rule("masquerading", `meta mark set meta mark xor ${MASQ_MARK}`);
  rule("masquerading", "masquerade fully-random");
  chain("reject-chain");
  rule("reject-chain", "reject");
  for (const name of ["services", "nodeport-endpoints-check", "service-endpoints-check", "cluster-ips-check"])
    chain(name);

  const serviceIPs: string[] = [];
  const nodePorts: string[] = [];
  const noEndpointIPs: string[] = [];
  const noEndpointNodePorts: string[] = [];
  const clusterIPs = new Set<string>();

  for (const p of options.ports) {
    clusterIPs.add(p.clusterIP);
    const proto = p.protocol;
    const ipKey = (ip: string) => `${ip} . ${proto} . ${p.port}`;
    const nodeKey = `${proto} . ${p.nodePort}`;
    if (p.endpoints.length === 0) {
      // Upstream: no endpoints rejects (ICMP port unreachable: connection refused).
      for (const ip of [p.clusterIP, ...p.externalIPs])
        noEndpointIPs.push(`${ipKey(ip)} : goto reject-chain`);
      if (p.nodePort) noEndpointNodePorts.push(`${nodeKey} : goto reject-chain`);
      continue;
    }
    for (const ep of p.endpoints) {
      const name = epChain(p, ep.ip, ep.port);
      chain(name);
      if (p.affinitySeconds !== undefined) {
        const set = affinitySet(p, ep.ip, ep.port);
        addSet(set, `{ type ipv4_addr; flags dynamic,timeout; timeout ${p.affinitySeconds}s; }`);
        rule(name, `update @${set} { ip saddr timeout ${p.affinitySeconds}s }`);
      }
      rule(name, `meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`);
    }
    const balance = (name: string, endpoints: ServicePort["endpoints"]) => {
      chain(name);
      // Every connection not from the host itself is masqueraded: without br_netfilter a pod's
      // reply to a same-bridge client would skip the host's conntrack and never be un-DNATed.
      // The host's own connections keep their source: replies come back through it anyway, and
      // masquerading them made the pod reject SYNs in TIME_WAIT (PAWS) under connection churn.
      rule(name, "fib saddr type != local jump mark-for-masquerade");
      if (p.affinitySeconds !== undefined)
        for (const ep of endpoints)
          rule(name, `ip saddr @${affinitySet(p, ep.ip, ep.port)} goto ${epChain(p, ep.ip, ep.port)}`);
      const targets = endpoints.map((ep, i) => `${i} : goto ${epChain(p, ep.ip, ep.port)}`);
      rule(name, `numgen random mod ${endpoints.length} vmap ${vmap(targets)}`);
    };
    balance(svcChain(p), p.endpoints);
    serviceIPs.push(`${ipKey(p.clusterIP)} : goto ${svcChain(p)}`);

    // External destinations (node port, load-balancer and external IPs).
    if (p.externalIPs.length === 0 && !p.nodePort) continue;
    let external = svcChain(p);
    if (p.externalLocal) {
      const local = p.endpoints.filter((ep) => ep.local);
      if (local.length === 0) {
        // Upstream drops external traffic for a Local service without local endpoints.
        for (const ip of p.externalIPs) noEndpointIPs.push(`${ipKey(ip)} : drop`);
        if (p.nodePort) noEndpointNodePorts.push(`${nodeKey} : drop`);
        continue;
      }
      external = extChain(p);
      balance(external, local);
    }
    for (const ip of p.externalIPs) serviceIPs.push(`${ipKey(ip)} : goto ${external}`);
    if (p.nodePort) nodePorts.push(`${nodeKey} : goto ${external}`);
  }

  const nodePortMatch = options.nodePortAddresses?.length
    ? `ip daddr { ${options.nodePortAddresses.join(", ")} }`
    : "fib daddr type local ip daddr != 127.0.0.0/8";
  if (serviceIPs.length) rule("services", `ip daddr . meta l4proto . th dport vmap ${vmap(serviceIPs)}`);
  if (nodePorts.length) rule("services", `${nodePortMatch} meta l4proto . th dport vmap ${vmap(nodePorts)}`);
  if (noEndpointIPs.length)
    rule("service-endpoints-check", `ip daddr . meta l4proto . th dport vmap ${vmap(noEndpointIPs)}`);
  if (noEndpointNodePorts.length)
    rule(
      "nodeport-endpoints-check",
      `${nodePortMatch} meta l4proto . th dport vmap ${vmap(noEndpointNodePorts)}`,
    );
  // After DNAT: what still heads for a cluster IP asked for a port the service lacks.
  if (clusterIPs.size) rule("cluster-ips-check", `ip daddr { ${[...clusterIPs].join(", ")} } reject`);
  if (options.serviceCIDR) rule("cluster-ips-check", `ip daddr ${options.serviceCIDR} reject`);

  const contents = { chains, sets };
  return { text: transaction(t, decls, contents, previous), contents };
}

function transaction(
  t: string,
  decls: Map<string, string>,
  want: TableContents,
  previous: TableContents | undefined,
): string {
  const out: string[] = [`add table ${t}`];
  if (!previous) out.push(`delete table ${t}`, `add table ${t}`);
  const had = previous ?? { chains: new Map<string, string[]>(), sets: new Map<string, string>() };
  for (const [name, decl] of want.sets) if (!had.sets.has(name)) out.push(`add set ${t} ${name} ${decl}`);
  // Every new chain exists before any rule jumps to it.
  for (const name of want.chains.keys()) {
    if (had.chains.has(name)) continue;
    const decl = decls.get(name);
    out.push(decl ? `add chain ${t} ${name} { ${decl} }` : `add chain ${t} ${name}`);
  }
  for (const [name, rules] of want.chains) {
    const old = had.chains.get(name);
    if (old && old.join("\n") === rules.join("\n")) continue;
    if (old) out.push(`flush chain ${t} ${name}`);
    for (const body of rules) out.push(`add rule ${t} ${name} ${body}`);
  }
  // Stale chains are emptied first, so none is still referenced when they are deleted.
  const stale = [...had.chains.keys()].filter((name) => !want.chains.has(name));
  for (const name of stale) out.push(`flush chain ${t} ${name}`);
  for (const name of stale) out.push(`delete chain ${t} ${name}`);
  for (const name of had.sets.keys()) if (!want.sets.has(name)) out.push(`delete set ${t} ${name}`);
  return `${out.join("\n")}\n`;
}
