// The NetworkPolicy strategy (networking.k8s.io/v1): policyTypes default (Ingress, plus
// Egress when egress rules exist), port protocol TCP, generation, validation of selectors,
// peers, ports and CIDRs. Upstream: pkg/apis/networking/v1/defaults.go,
// pkg/apis/networking/validation/validation.go ValidateNetworkPolicySpec.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported, required } from "../validation/field-errors.ts";
import { ipFamily } from "../validation/ip-address.ts";
import { child, ensure, isObject, type JsonObject, list, objects, setDefault } from "../validation/json.ts";
import { labelSelector } from "../validation/label-selector.ts";
import { portName, portNumber } from "../validation/ports.ts";
import { checkType } from "../validation/type-checks.ts";

function validCidr(v: unknown): boolean {
  if (typeof v !== "string") return false;
  const [ip, bits, extra] = v.split("/");
  if (extra !== undefined || !ip || !bits || !/^\d+$/.test(bits)) return false;
  const family = ipFamily(ip);
  return family !== undefined && Number(bits) <= (family === "IPv4" ? 32 : 128);
}

function validatePeers(at: string, peers: [JsonObject, number][]): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [peer, i] of peers) {
    const p = `${at}[${i}]`;
    const set = ["podSelector", "namespaceSelector", "ipBlock"].filter(
      (k) => peer[k] !== undefined && peer[k] !== null,
    );
    if (set.length === 0) out.push(required(p, "must specify a peer"));
    if (peer.ipBlock !== undefined && set.length > 1)
      out.push(invalid(p, "", "may not specify more than 1 peer type"));
    out.push(
      ...labelSelector(`${p}.podSelector`, peer.podSelector),
      ...labelSelector(`${p}.namespaceSelector`, peer.namespaceSelector),
    );
    const block = child(peer, "ipBlock");
    if (block) {
      if (!block.cidr) out.push(required(`${p}.ipBlock.cidr`));
      else if (!validCidr(block.cidr))
        out.push(invalid(`${p}.ipBlock.cidr`, block.cidr, "must be a valid CIDR"));
      list(block, "except").forEach((e, j) => {
        if (!validCidr(e)) out.push(invalid(`${p}.ipBlock.except[${j}]`, e, "must be a valid CIDR"));
      });
    }
  }
  return out;
}

function validatePorts(at: string, ports: [JsonObject, number][]): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [port, i] of ports) {
    const p = `${at}[${i}]`;
    if (port.protocol !== undefined && !["SCTP", "TCP", "UDP"].includes(port.protocol as string)) {
      out.push(notSupported(`${p}.protocol`, port.protocol, ["SCTP", "TCP", "UDP"]));
    }
    if (typeof port.port === "number") out.push(...portNumber(`${p}.port`, port.port));
    else if (typeof port.port === "string") out.push(...portName(`${p}.port`, port.port));
    if (port.endPort !== undefined) {
      if (typeof port.port !== "number")
        out.push(required(`${p}.port`, "must be specified when endPort is specified"));
      else if (typeof port.endPort === "number" && port.endPort < port.port) {
        out.push(invalid(`${p}.endPort`, port.endPort, "must be greater than or equal to `port`"));
      }
    }
  }
  return out;
}

export const networkPolicyStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    const spec = ensure(obj, "spec");
    if (!spec) return;
    for (const dir of ["ingress", "egress"]) {
      for (const [rule] of objects(spec, dir))
        for (const [p] of objects(rule, "ports")) setDefault(p, "protocol", "TCP");
    }
    if (
      list(spec, "policyTypes").length === 0 &&
      (spec.policyTypes === undefined || spec.policyTypes === null || Array.isArray(spec.policyTypes))
    ) {
      spec.policyTypes = list(spec, "egress").length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
    }
  },
  validate(obj) {
    const spec = obj.spec;
    if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
    const out: StatusCause[] = [...labelSelector("spec.podSelector", spec.podSelector ?? {})];
    objects(spec, "ingress").forEach(([rule, i]) => {
      out.push(...validatePorts(`spec.ingress[${i}].ports`, objects(rule, "ports")));
      out.push(...validatePeers(`spec.ingress[${i}].from`, objects(rule, "from")));
    });
    objects(spec, "egress").forEach(([rule, i]) => {
      out.push(...validatePorts(`spec.egress[${i}].ports`, objects(rule, "ports")));
      out.push(...validatePeers(`spec.egress[${i}].to`, objects(rule, "to")));
    });
    const types = list(spec, "policyTypes");
    types.forEach((t, i) => {
      if (t !== "Ingress" && t !== "Egress")
        out.push(notSupported(`spec.policyTypes[${i}]`, t, ["Ingress", "Egress"]));
    });
    if (types.length > 2)
      out.push(invalid("spec.policyTypes", types, "may not specify more than two policyTypes"));
    return out;
  },
};
