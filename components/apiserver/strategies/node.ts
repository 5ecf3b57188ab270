// The Node strategy: SetDefaults_NodeStatus (allocatable from capacity) and the zero status
// fields Go always prints, status kept on create, taint and podCIDR validation, the update
// rules for podCIDR and providerID; field selector spec.unschedulable; PUT may create.
// Upstream: pkg/registry/core/node/strategy.go, pkg/apis/core/validation ValidateNode(Update).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { duplicate, forbidden, invalid, notSupported, required } from "../validation/field-errors.ts";
import { ipFamily } from "../validation/ip-address.ts";
import { child, ensure, isObject, jsonEqual, list, str } from "../validation/json.ts";
import { qualifiedName } from "../validation/qualified-name.ts";
import { checkFields, checkType } from "../validation/type-checks.ts";

const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const NODE_INFO = [
  "machineID",
  "systemUUID",
  "bootID",
  "kernelVersion",
  "osImage",
  "containerRuntimeVersion",
  "kubeletVersion",
  "kubeProxyVersion",
  "operatingSystem",
  "architecture",
];

function validCidr(v: string): boolean {
  const [ip, bits, extra] = v.split("/");
  if (extra !== undefined || !ip || !bits || !/^\d+$/.test(bits)) return false;
  const family = ipFamily(ip);
  return family !== undefined && Number(bits) <= (family === "IPv4" ? 32 : 128);
}

export const nodeStrategy: Strategy = {
  allowCreateOnUpdate: true,
  defaults(obj) {
    const status = ensure(obj, "status");
    if (!status) return;
    const capacity = child(status, "capacity");
    if (capacity && (status.allocatable === undefined || status.allocatable === null))
      status.allocatable = { ...capacity };
    const endpoints = ensure(status, "daemonEndpoints");
    const kubelet = endpoints && ensure(endpoints, "kubeletEndpoint");
    if (kubelet && kubelet.Port === undefined) kubelet.Port = 0;
    const info = ensure(status, "nodeInfo");
    if (info) for (const k of NODE_INFO) if (info[k] === undefined || info[k] === null) info[k] = "";
  },
  validate(obj) {
    const spec = obj.spec;
    if (spec === undefined || spec === null) return [];
    if (!isObject(spec)) return checkType("spec", spec, "object");
    const typed = checkFields("spec", spec, {
      podCIDR: "string",
      podCIDRs: "array",
      providerID: "string",
      unschedulable: "boolean",
      taints: "array",
    });
    if (typed.length) return typed;
    const out: StatusCause[] = [];
    const cidrs = list(spec, "podCIDRs");
    cidrs.forEach((c, i) => {
      if (typeof c !== "string" || !validCidr(c))
        out.push(invalid(`spec.podCIDRs[${i}]`, c, "must be a valid CIDR"));
    });
    if (typeof spec.podCIDR === "string" && spec.podCIDR !== "" && !validCidr(spec.podCIDR)) {
      out.push(invalid("spec.podCIDR", spec.podCIDR, "must be a valid CIDR"));
    }
    const seen = new Set<string>();
    list(spec, "taints").forEach((t, i) => {
      const at = `spec.taints[${i}]`;
      if (!isObject(t)) {
        out.push(...checkType(at, t, "object"));
        return;
      }
      const key = typeof t.key === "string" ? t.key : "";
      if (key === "") out.push(required(`${at}.key`));
      else out.push(...qualifiedName(`${at}.key`, key));
      const effect = t.effect;
      if (effect === undefined || effect === "") out.push(required(`${at}.effect`));
      else if (!EFFECTS.includes(effect as string)) out.push(notSupported(`${at}.effect`, effect, EFFECTS));
      const id = `${key}/${String(effect)}`;
      if (seen.has(id)) out.push(duplicate(at, { key, effect }));
      seen.add(id);
    });
    return out;
  },
  validateUpdate(obj, old) {
    const spec = child(obj, "spec") ?? {};
    const oldSpec = child(old, "spec") ?? {};
    const out: StatusCause[] = [];
    const oldCidrs = list(oldSpec, "podCIDRs");
    if (oldCidrs.length > 0 && !jsonEqual(list(spec, "podCIDRs"), oldCidrs)) {
      out.push(forbidden("spec.podCIDRs", `node updates may not change podCIDR except from "" to valid`));
    }
    const oldProvider = str(oldSpec, "providerID") ?? "";
    if (oldProvider !== "" && spec.providerID !== oldProvider) {
      out.push(
        forbidden("spec.providerID", `node updates may not change providerID except from "" to valid`),
      );
    }
    return out;
  },
  fields(obj) {
    return { "spec.unschedulable": child(obj, "spec")?.unschedulable === true ? "true" : "false" };
  },
};
