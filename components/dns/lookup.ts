// Answers one question from the cluster's records, following the Kubernetes DNS specification
// (kubernetes/dns docs/specification.md) as CoreDNS's kubernetes plugin does (`pods insecure`,
// TTL 5 s, NXDOMAIN with the zone's SOA): a pure function of the name, the type and the records.

import { isIPv4, isIPv6 } from "node:net";
import type { Answer, RecordType, SrvAnswer } from "dns-packet";
import type { Service } from "kubernetes-types/core/v1";
import { type ClusterRecords, clusterIPs } from "./cluster-records.ts";

/** CoreDNS's default `ttl` for the kubernetes plugin. */
export const RECORD_TTL = 5;
/** The specification version served (dns-version.<zone> TXT). */
const SCHEMA_VERSION = "1.1.0";

export type LookupResult =
  /** Records for the name (additionals: addresses of SRV targets). */
  | { kind: "answer"; answers: Answer[]; additionals: Answer[] }
  /** The name exists in the zone, with no record of the type. */
  | { kind: "nodata" }
  | { kind: "nxdomain" }
  /** An ExternalName service: the CNAME, whose target the caller resolves. */
  | { kind: "cname"; answer: Answer; target: string }
  /** Not ours: ask the upstream resolvers. */
  | { kind: "forward" };

const nodata: LookupResult = { kind: "nodata" };
const nxdomain: LookupResult = { kind: "nxdomain" };
const forward: LookupResult = { kind: "forward" };

function answer(answers: Answer[], additionals: Answer[] = []): LookupResult {
  return answers.length ? { kind: "answer", answers, additionals } : nodata;
}

function address(name: string, ip: string): Answer {
  return { type: isIPv6(ip) ? "AAAA" : "A", name, ttl: RECORD_TTL, data: ip };
}

/** A/AAAA records of `name` for those of `ips` in the family `type` asks for (empty for others). */
function addresses(name: string, type: RecordType, ips: Iterable<string>): Answer[] {
  const want = type === "A" ? isIPv4 : type === "AAAA" ? isIPv6 : undefined;
  if (!want) return [];
  const seen = new Set<string>();
  for (const ip of ips) if (want(ip)) seen.add(ip);
  return [...seen].map((ip) => address(name, ip));
}

/** The zone's SOA record (CoreDNS plugin.SOA: ns.dns.<zone>, hostmaster.<zone>). */
export function soaRecord(records: ClusterRecords): Answer {
  const zone = records.domain;
  return {
    type: "SOA",
    name: zone,
    ttl: RECORD_TTL,
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: records.serial >>> 0,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: RECORD_TTL,
    },
  };
}

/** "10.0.0.1.in-addr.arpa"-style names back to the address, undefined when not a full one. */
export function reverseAddress(name: string): string | undefined {
  if (name.endsWith(".in-addr.arpa")) {
    const parts = name.slice(0, -".in-addr.arpa".length).split(".");
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.reverse().map(Number).join(".");
  }
  if (name.endsWith(".ip6.arpa")) {
    const nibbles = name.slice(0, -".ip6.arpa".length).split(".");
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join("");
    const expanded = (hex.match(/.{4}/g) ?? []).join(":");
    // The URL parser writes IPv6 addresses in the canonical compressed form the API uses.
    return new URL(`http://[${expanded}]/`).hostname.slice(1, -1);
  }
  return undefined;
}

/** The address in a pod name's first label: "10-0-0-1" or "fd00--1" (CoreDNS pods insecure). */
function podAddress(label: string): string | undefined {
  const v4 = label.replaceAll("-", ".");
  if (isIPv4(v4)) return v4;
  const v6 = label.replaceAll("-", ":");
  return isIPv6(v6) ? v6 : undefined;
}

function weightOf(count: number): number {
  return Math.max(1, Math.floor(100 / count));
}

function srvRecords(name: string, targets: { port: number; target: string }[]): SrvAnswer[] {
  const weight = weightOf(targets.length);
  return targets.map(({ port, target }) => ({
    type: "SRV",
    name,
    ttl: RECORD_TTL,
    data: { priority: 0, weight, port, target },
  }));
}

export interface Question {
  /** Lower case, without the trailing dot. */
  name: string;
  type: RecordType;
}

export function lookup(question: Question, records: ClusterRecords): LookupResult {
  const { name, type } = question;
  const zone = records.domain;
  if (name === zone) {
    if (type === "SOA") return answer([soaRecord(records)]);
    if (type === "NS") return answer([{ type: "NS", name, ttl: RECORD_TTL, data: `ns.dns.${zone}` }]);
    return nodata;
  }
  if (!name.endsWith(`.${zone}`)) {
    if (type !== "PTR") return forward;
    const ip = reverseAddress(name);
    const target = ip === undefined ? undefined : records.reverse(ip);
    // Addresses that are not the cluster's fall through to the upstream resolvers.
    return target ? answer([{ type: "PTR", name, ttl: RECORD_TTL, data: target }]) : forward;
  }
  const labels = name.slice(0, -(zone.length + 1)).split(".");
  const kind = labels.pop();
  if (kind === "svc") return serviceLookup(question, labels, records);
  if (kind === "pod") return podLookup(question, labels, records);
  if (kind === "dns-version" && labels.length === 0) {
    // The schema version record of the Kubernetes DNS specification (section 2.2).
    return type === "TXT" ? answer([{ type: "TXT", name, ttl: RECORD_TTL, data: SCHEMA_VERSION }]) : nodata;
  }
  if (kind === "dns" && labels.length === 1 && labels[0] === "ns") {
    const dns = records.service("kube-system", "kube-dns");
    return dns ? answer(addresses(name, type, clusterIPs(dns))) : nodata;
  }
  return labels.length === 0 && kind === "dns" ? nodata : nxdomain;
}

function podLookup(question: Question, labels: string[], records: ClusterRecords): LookupResult {
  // pod.<zone> and <ns>.pod.<zone> are empty non-terminals; names in a missing namespace do not exist.
  if (labels.length === 0) return nodata;
  if (!records.hasNamespace(labels.at(-1) ?? "")) return nxdomain;
  if (labels.length === 1) return nodata;
  if (labels.length !== 2) return nxdomain;
  const ip = podAddress(labels[0] ?? "");
  if (ip === undefined) return nxdomain;
  return answer(addresses(question.name, question.type, [ip]));
}

function serviceLookup(question: Question, labels: string[], records: ClusterRecords): LookupResult {
  const { name, type } = question;
  if (labels.length === 0) return nodata;
  const namespace = labels.at(-1) ?? "";
  if (labels.length === 1) return records.hasNamespace(namespace) ? nodata : nxdomain;
  const service = records.service(namespace, labels.at(-2) ?? "");
  if (!service) return nxdomain;
  const serviceName = `${labels.slice(-2).join(".")}.svc.${records.domain}`;
  if (labels.length === 2) return serviceRecords(question, service, serviceName, records);
  const first = labels[0] ?? "";
  if (labels.length === 3) {
    // <proto>.<svc> (an SRV name's empty non-terminal) or <endpoint>.<svc>.
    if (first.startsWith("_"))
      return hasPort(service, records, undefined, first.slice(1)) ? nodata : nxdomain;
    const ips = records
      .readyAddresses(namespace, service.metadata?.name ?? "")
      .filter((a) => a.host === first);
    return ips.length
      ? answer(
          addresses(
            name,
            type,
            ips.map((a) => a.ip),
          ),
        )
      : nxdomain;
  }
  if (labels.length === 4 && first.startsWith("_") && (labels[1] ?? "").startsWith("_")) {
    const port = first.slice(1);
    const proto = (labels[1] ?? "").slice(1);
    if (!hasPort(service, records, port, proto)) return nxdomain;
    if (type !== "SRV") return nodata;
    return srvLookup(name, service, serviceName, records, port, proto);
  }
  return nxdomain;
}

function protocolOf(p: { protocol?: string }): string {
  return (p.protocol ?? "TCP").toLowerCase();
}

/** Whether the service has a port named `port` (any name when undefined) of protocol `proto`. */
function hasPort(
  service: Service,
  records: ClusterRecords,
  port: string | undefined,
  proto: string,
): boolean {
  if (isHeadless(service)) {
    const ns = service.metadata?.namespace ?? "";
    return records
      .readyAddresses(ns, service.metadata?.name ?? "")
      .some((a) => a.ports.some((p) => (port === undefined || p.name === port) && protocolOf(p) === proto));
  }
  return (service.spec?.ports ?? []).some(
    (p) => (port === undefined || p.name === port) && protocolOf(p) === proto,
  );
}

function isHeadless(service: Service): boolean {
  return service.spec?.clusterIP === "None";
}

function serviceRecords(
  question: Question,
  service: Service,
  serviceName: string,
  records: ClusterRecords,
): LookupResult {
  const { name, type } = question;
  if (service.spec?.type === "ExternalName") {
    const target = (service.spec.externalName ?? "").toLowerCase().replace(/\.$/, "");
    if (!target) return nxdomain;
    return { kind: "cname", answer: { type: "CNAME", name, ttl: RECORD_TTL, data: target }, target };
  }
  const ns = service.metadata?.namespace ?? "";
  if (isHeadless(service)) {
    const ready = records.readyAddresses(ns, service.metadata?.name ?? "");
    // CoreDNS: a headless service without ready endpoints has no records at all.
    if (ready.length === 0) return nxdomain;
    if (type === "SRV") return srvLookup(name, service, serviceName, records, undefined, undefined);
    return answer(
      addresses(
        name,
        type,
        ready.map((a) => a.ip),
      ),
    );
  }
  if (type === "SRV") return srvLookup(name, service, serviceName, records, undefined, undefined);
  return answer(addresses(name, type, clusterIPs(service)));
}

/** SRV records for the named port (all ports when undefined), with the targets' addresses. */
function srvLookup(
  name: string,
  service: Service,
  serviceName: string,
  records: ClusterRecords,
  port: string | undefined,
  proto: string | undefined,
): LookupResult {
  const matches = (p: { name?: string; protocol?: string }) =>
    (port === undefined || p.name === port) && (proto === undefined || protocolOf(p) === proto);
  if (!isHeadless(service)) {
    const ports = (service.spec?.ports ?? []).filter(matches);
    const answers = srvRecords(
      name,
      ports.map((p) => ({ port: p.port, target: serviceName })),
    );
    return answer(answers, addresses(serviceName, "A", clusterIPs(service)));
  }
  const ns = service.metadata?.namespace ?? "";
  const targets: { port: number; target: string }[] = [];
  const extra = new Map<string, Answer>();
  const seen = new Set<string>();
  for (const ready of records.readyAddresses(ns, service.metadata?.name ?? "")) {
    const target = `${ready.host}.${serviceName}`;
    for (const p of ready.ports.filter(matches)) {
      if (p.port === undefined || seen.has(`${target}:${p.port}`)) continue;
      seen.add(`${target}:${p.port}`);
      targets.push({ port: p.port, target });
      extra.set(`${target} ${ready.ip}`, address(target, ready.ip));
    }
  }
  return answer(srvRecords(name, targets), [...extra.values()]);
}
