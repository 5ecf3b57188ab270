// Validation of a Service: type, ports, target ports, node ports, cluster IPs, session
// affinity, traffic policies, external names and selectors. Upstream:
// pkg/apis/core/validation/validation.go ValidateService and validateServicePort.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { duplicate, forbidden, invalid, notSupported, required } from "./field-errors.ts";
import { duplicateShown } from "./field-errors-extra.ts";
import { ipAddress } from "./ip-address.ts";
import { isObject, type JsonObject, list, str } from "./json.ts";
import { dns1123Label, dns1123Subdomain } from "./names.ts";
import { portName, portNumber } from "./ports.ts";
import { labelMap } from "./qualified-name.ts";
import { checkFields, checkType } from "./type-checks.ts";

const TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

function validatePorts(spec: JsonObject, type: string): StatusCause[] {
  const out: StatusCause[] = [];
  const ports = spec.ports;
  if (ports !== undefined && ports !== null && !Array.isArray(ports))
    return checkType("spec.ports", ports, "array");
  const items = (ports as unknown[] | undefined) ?? [];
  const names = new Set<string>();
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  items.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (!isObject(p)) {
      out.push(...checkType(at, p, "object"));
      return;
    }
    const typed = checkFields(at, p, {
      name: "string",
      port: "integer",
      nodePort: "integer",
      protocol: "string",
      appProtocol: "string",
    });
    if (typed.length) {
      out.push(...typed);
      return;
    }
    const name = (p.name as string | undefined) ?? "";
    if (items.length > 1 && name === "") out.push(required(`${at}.name`));
    else if (name !== "") {
      out.push(...dns1123Label(`${at}.name`, name));
      if (names.has(name)) out.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    out.push(...portNumber(`${at}.port`, (p.port as number | undefined) ?? 0));
    const protocol = (p.protocol as string | undefined) ?? "";
    if (protocol === "") out.push(required(`${at}.protocol`));
    else if (!["SCTP", "TCP", "UDP"].includes(protocol))
      out.push(notSupported(`${at}.protocol`, protocol, ["SCTP", "TCP", "UDP"]));
    const target = p.targetPort;
    if (typeof target === "number") out.push(...portNumber(`${at}.targetPort`, target));
    else if (typeof target === "string") out.push(...portName(`${at}.targetPort`, target));
    else if (target !== undefined && target !== null)
      out.push(...checkType(`${at}.targetPort`, target, "integer"));
    const key = `${p.port}/${protocol}`;
    if (portKeys.has(key))
      out.push(
        duplicateShown(at, `validation.portKey{port:${p.port}, protocol:${JSON.stringify(protocol)}}`),
      );
    portKeys.add(key);
    const nodePort = p.nodePort;
    if (typeof nodePort === "number" && nodePort !== 0) {
      if (type === "ClusterIP" || type === "ExternalName") {
        out.push(forbidden(`${at}.nodePort`, `may not be used when \`type\` is '${type}'`));
      } else if (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) {
        out.push(
          invalid(
            `${at}.nodePort`,
            nodePort,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
          ),
        );
      } else {
        const npKey = `${nodePort}/${protocol}`;
        if (nodePorts.has(npKey)) out.push(duplicate(`${at}.nodePort`, nodePort));
        nodePorts.add(npKey);
      }
    }
  });
  return out;
}

function validateClusterIPs(spec: JsonObject, type: string): StatusCause[] {
  const out: StatusCause[] = [];
  const ips: string[] = [];
  const clusterIP = str(spec, "clusterIP") ?? "";
  if (clusterIP !== "") ips.push(clusterIP);
  list(spec, "clusterIPs").forEach((ip, i) => {
    if (typeof ip !== "string") out.push(...checkType(`spec.clusterIPs[${i}]`, ip, "string"));
    else if (i > 0 || clusterIP === "") ips.push(ip);
  });
  if (
    clusterIP !== "" &&
    typeof list(spec, "clusterIPs")[0] === "string" &&
    list(spec, "clusterIPs")[0] !== clusterIP
  ) {
    out.push(invalid("spec.clusterIPs", list(spec, "clusterIPs"), "element [0] must match clusterIP"));
  }
  if (type === "ExternalName") {
    if (ips.length > 0) out.push(forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
    return out;
  }
  ips.forEach((ip, i) => {
    if (ip === "None") {
      if (i > 0) out.push(invalid(`spec.clusterIPs[${i}]`, ip, "must be a valid IP address"));
      else if (type === "NodePort" || type === "LoadBalancer") {
        out.push(invalid("spec.clusterIPs[0]", ip, `may not be set to 'None' for ${type} services`));
      }
    } else out.push(...ipAddress(`spec.clusterIPs[${i}]`, ip));
  });
  return out;
}

export function validateServiceSpec(spec: unknown): StatusCause[] {
  if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
  const typed = checkFields("spec", spec, {
    type: "string",
    clusterIP: "string",
    clusterIPs: "array",
    ports: "array",
    externalName: "string",
    sessionAffinity: "string",
    externalTrafficPolicy: "string",
    internalTrafficPolicy: "string",
    selector: "object",
    publishNotReadyAddresses: "boolean",
    allocateLoadBalancerNodePorts: "boolean",
  });
  if (typed.length) return typed;
  const out: StatusCause[] = [];
  const type = (spec.type as string | undefined) ?? "";
  if (!TYPES.includes(type)) out.push(notSupported("spec.type", type, TYPES));
  const headless = spec.clusterIP === "None";
  if (list(spec, "ports").length === 0 && !headless && type !== "ExternalName")
    out.push(required("spec.ports"));
  out.push(...validatePorts(spec, type));
  out.push(...validateClusterIPs(spec, type));
  if (type === "ExternalName") {
    const name = (spec.externalName as string | undefined) ?? "";
    if (name === "") out.push(required("spec.externalName"));
    else out.push(...dns1123Subdomain("spec.externalName", name.replace(/\.$/, "")));
  }
  const affinity = spec.sessionAffinity;
  if (affinity !== undefined && affinity !== "None" && affinity !== "ClientIP") {
    out.push(notSupported("spec.sessionAffinity", affinity, ["ClientIP", "None"]));
  }
  const external = type === "NodePort" || type === "LoadBalancer";
  const etp = (spec.externalTrafficPolicy as string | undefined) ?? "";
  if (!external && etp !== "" && type !== "") {
    out.push(
      invalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"),
    );
  } else if (external && etp !== "" && etp !== "Cluster" && etp !== "Local") {
    out.push(notSupported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp !== undefined && itp !== null && itp !== "Cluster" && itp !== "Local") {
    out.push(notSupported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"]));
  }
  out.push(...labelMap("spec.selector", spec.selector));
  list(spec, "externalIPs").forEach((ip, i) => {
    if (typeof ip !== "string") out.push(...checkType(`spec.externalIPs[${i}]`, ip, "string"));
    else out.push(...ipAddress(`spec.externalIPs[${i}]`, ip));
  });
  return out;
}
