// The Service strategy: SetDefaults_Service (ClusterIP, sessionAffinity None, ports TCP,
// targetPort = port, traffic policies, allocateLoadBalancerNodePorts), IP family fields of a
// single-stack cluster, status {loadBalancer: {}}, keeping allocated IPs and node ports on
// update, dropping type-dependent fields, validation; field selectors spec.clusterIP and
// spec.type. ClusterIP and nodePort allocation is admission's. Upstream:
// pkg/apis/core/v1/defaults.go, pkg/registry/core/service/strategy.go and storage/alloc.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalidShown } from "../validation/field-errors-extra.ts";
import { ipFamily } from "../validation/ip-address.ts";
import {
  child,
  ensure,
  isObject,
  type JsonObject,
  jsonEqual,
  list,
  objects,
  setDefault,
  str,
} from "../validation/json.ts";
import { dns1035Label, dns1123Label } from "../validation/names.ts";
import { validateServiceSpec } from "../validation/service-validation.ts";

const external = (type: unknown) => type === "NodePort" || type === "LoadBalancer";

function defaults(obj: KObject): void {
  const spec = ensure(obj, "spec");
  if (!spec) return;
  setDefault(spec, "sessionAffinity", "None");
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    const timeout = child(child(spec, "sessionAffinityConfig"), "clientIP")?.timeoutSeconds;
    if (timeout === undefined || timeout === null)
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefault(spec, "type", "ClusterIP");
  for (const [p] of objects(spec, "ports")) {
    setDefault(p, "protocol", "TCP");
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === "") {
      p.targetPort = p.port;
    }
  }
  if (external(spec.type)) setDefault(spec, "externalTrafficPolicy", "Cluster");
  if (
    (spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) &&
    spec.type !== "ExternalName"
  ) {
    spec.internalTrafficPolicy = "Cluster";
  }
  if (
    spec.type === "LoadBalancer" &&
    (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)
  ) {
    spec.allocateLoadBalancerNodePorts = true;
  }
}

/** The IP family fields a single-stack IPv4 cluster gives a service (registry initIPFamilyFields). */
function ipFamilies(spec: JsonObject): void {
  if (spec.type === "ExternalName") return;
  const headlessNoSelector =
    spec.clusterIP === "None" && (!isObject(spec.selector) || Object.keys(spec.selector).length === 0);
  setDefault(spec, "ipFamilyPolicy", headlessNoSelector ? "RequireDualStack" : "SingleStack");
  if (list(spec, "ipFamilies").length === 0) {
    const ip = str(spec, "clusterIP");
    spec.ipFamilies = [(ip && ip !== "None" && ipFamily(ip)) || "IPv4"];
  }
}

/** Values the server allocated that a PUT without them keeps (storage/alloc.go patchAllocatedValues). */
function keepAllocated(spec: JsonObject, old: JsonObject): void {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return;
  if (!str(spec, "clusterIP") && str(old, "clusterIP")) spec.clusterIP = old.clusterIP;
  if (list(spec, "clusterIPs").length === 0 && list(old, "clusterIPs").length > 0)
    spec.clusterIPs = old.clusterIPs;
  if (external(spec.type) && external(old.type)) {
    const used = new Set(objects(spec, "ports").map(([p]) => p.nodePort));
    const byName = new Map(objects(old, "ports").map(([p]) => [p.name ?? "", p.nodePort]));
    for (const [p] of objects(spec, "ports")) {
      if (p.nodePort !== undefined && p.nodePort !== 0) continue;
      const was = byName.get(p.name ?? "");
      if (typeof was === "number" && !used.has(was)) p.nodePort = was;
    }
  }
  if (
    spec.healthCheckNodePort === undefined &&
    old.healthCheckNodePort !== undefined &&
    spec.externalTrafficPolicy === "Local"
  ) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/** Fields that no longer apply after a type change, when the user left them as they were (dropTypeDependentFields). */
function dropTypeDependent(spec: JsonObject, old: JsonObject): void {
  const same = (k: string) => jsonEqual(spec[k], old[k]);
  if (spec.type === "ExternalName" && old.type !== "ExternalName") {
    for (const k of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"])
      if (same(k)) delete spec[k];
  }
  if (!external(spec.type) && external(old.type)) {
    const oldPorts = objects(old, "ports");
    for (const [p, i] of objects(spec, "ports")) {
      if (oldPorts[i]?.[0].nodePort === p.nodePort) delete p.nodePort;
    }
    if (same("externalTrafficPolicy")) delete spec.externalTrafficPolicy;
    if (same("healthCheckNodePort")) delete spec.healthCheckNodePort;
  }
  if (spec.type !== "LoadBalancer" && old.type === "LoadBalancer") {
    for (const k of ["allocateLoadBalancerNodePorts", "loadBalancerClass"]) if (same(k)) delete spec[k];
  }
}

function validate(obj: KObject): StatusCause[] {
  const out: StatusCause[] = [];
  const name = obj.metadata?.name;
  // The pipeline checks DNS-1123 labels; services are stricter (DNS-1035: no leading digit).
  if (name && dns1123Label("metadata.name", name).length === 0)
    out.push(...dns1035Label("metadata.name", name));
  out.push(...validateServiceSpec(obj.spec));
  return out;
}

export const serviceStrategy: Strategy = {
  nameIsLabel: true,
  defaults,
  prepareForCreate(obj) {
    const spec = child(obj, "spec");
    if (spec) ipFamilies(spec);
    obj.status = { loadBalancer: {} };
  },
  prepareForUpdate(obj, old, ctx) {
    if (ctx.subresource === "status") return;
    const spec = child(obj, "spec");
    const oldSpec = child(old, "spec");
    if (!spec || !oldSpec) return;
    keepAllocated(spec, oldSpec);
    dropTypeDependent(spec, oldSpec);
    ipFamilies(spec);
  },
  validate,
  validateUpdate(obj, old: Stored) {
    const spec = child(obj, "spec") ?? {};
    const oldSpec = child(old, "spec") ?? {};
    if (spec.type === "ExternalName" || oldSpec.type === "ExternalName") return [];
    const effective = (sp: JsonObject) => {
      const ips = list(sp, "clusterIPs");
      const ip = str(sp, "clusterIP");
      return ips.length > 0 ? ips : ip ? [ip] : [];
    };
    const ips = effective(spec);
    const oldIPs = effective(oldSpec);
    const out: StatusCause[] = [];
    const shown = `[]string{${ips.map((ip) => JSON.stringify(String(ip))).join(", ")}}`;
    if (ips.length === oldIPs.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== ips[i]) out.push(invalidShown(`spec.clusterIPs[${i}]`, shown, "may not change once set"));
      });
    } else if (ips.length === 0 || (oldIPs.length > 0 && ips[0] !== oldIPs[0])) {
      out.push(invalidShown("spec.clusterIPs[0]", shown, "may not change once set"));
    }
    return out;
  },
  fields(obj) {
    const spec = child(obj, "spec");
    return { "spec.clusterIP": str(spec, "clusterIP") ?? "", "spec.type": str(spec, "type") ?? "" };
  },
};
