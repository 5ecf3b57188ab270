// The Ingress and IngressClass strategies (networking.k8s.io/v1): status {loadBalancer: {}}
// on create, generation, rules and backends (pathType required, absolute paths, one backend
// kind, port name xor number), the controller of a class. Upstream:
// pkg/registry/networking/ingress/strategy.go, pkg/apis/networking/validation/validation.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported, required, tooLong } from "../validation/field-errors.ts";
import { immutableField } from "../validation/immutable.ts";
import { child, isObject, type JsonObject, list, objects } from "../validation/json.ts";
import { dns1123Subdomain } from "../validation/names.ts";
import { portName, portNumber } from "../validation/ports.ts";
import { checkType } from "../validation/type-checks.ts";

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];

function validateBackend(at: string, backend: unknown): StatusCause[] {
  if (!isObject(backend)) return backend === undefined ? [required(at)] : checkType(at, backend, "object");
  const out: StatusCause[] = [];
  const service = child(backend, "service");
  const resource = child(backend, "resource");
  if (service && resource) return [invalid(at, "", "cannot set both resource and service backends")];
  if (!service && !resource) return [invalid(at, "", "resource or service backend is required")];
  if (service) {
    if (!service.name) out.push(required(`${at}.service.name`));
    const port = child(service, "port");
    const name = port?.name;
    const number = port?.number;
    if (name && number)
      out.push(invalid(`${at}.service.port`, port, "cannot set both port name & port number"));
    else if (typeof name === "string" && name !== "") out.push(...portName(`${at}.service.port.name`, name));
    else if (typeof number === "number") out.push(...portNumber(`${at}.service.port.number`, number));
    else out.push(required(`${at}.service.port`, "port name or number is required"));
  }
  if (resource && !resource.kind) out.push(required(`${at}.resource.kind`));
  return out;
}

function validateRule(at: string, rule: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  const host = rule.host;
  if (typeof host === "string" && host !== "") {
    const bare = host.startsWith("*.") ? host.slice(2) : host;
    out.push(...dns1123Subdomain(`${at}.host`, bare));
  }
  const http = child(rule, "http");
  if (!http) return out;
  if (list(http, "paths").length === 0) out.push(required(`${at}.http.paths`));
  for (const [p, j] of objects(http, "paths")) {
    const pat = `${at}.http.paths[${j}]`;
    const type = p.pathType;
    if (type === undefined || type === null || type === "")
      out.push(required(`${pat}.pathType`, "pathType must be specified"));
    else if (!PATH_TYPES.includes(type as string))
      out.push(notSupported(`${pat}.pathType`, type, PATH_TYPES));
    const path = typeof p.path === "string" ? p.path : "";
    if ((type === "Exact" || type === "Prefix") && !path.startsWith("/"))
      out.push(invalid(`${pat}.path`, path, "must be an absolute path"));
    out.push(...validateBackend(`${pat}.backend`, p.backend));
  }
  return out;
}

export const ingressStrategy: Strategy = {
  generation: true,
  prepareForCreate(obj) {
    obj.status = { loadBalancer: {} };
  },
  validate(obj) {
    const spec = obj.spec;
    if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
    const out: StatusCause[] = [];
    if (spec.rules !== undefined && spec.rules !== null && !Array.isArray(spec.rules))
      return checkType("spec.rules", spec.rules, "array");
    if (list(spec, "rules").length === 0 && !isObject(spec.defaultBackend)) {
      out.push(invalid("spec", "", "either `defaultBackend` or `rules` must be specified"));
    }
    if (spec.defaultBackend !== undefined)
      out.push(...validateBackend("spec.defaultBackend", spec.defaultBackend));
    for (const [r, i] of objects(spec, "rules")) out.push(...validateRule(`spec.rules[${i}]`, r));
    for (const [t, i] of objects(spec, "tls")) {
      list(t, "hosts").forEach((h, j) => {
        if (typeof h === "string")
          out.push(...dns1123Subdomain(`spec.tls[${i}].hosts[${j}]`, h.replace(/^\*\./, "")));
      });
    }
    out.push(...checkType("spec.ingressClassName", spec.ingressClassName, "string"));
    return out;
  },
};

export const ingressClassStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    // SetDefaults_IngressClass: parameters are cluster-scoped unless said otherwise.
    const params = child(child(obj, "spec"), "parameters");
    if (params && (params.scope === undefined || params.scope === null)) params.scope = "Cluster";
  },
  validate(obj) {
    const spec = obj.spec;
    if (!isObject(spec))
      return spec === undefined ? [required("spec.controller")] : checkType("spec", spec, "object");
    const controller = spec.controller;
    if (controller === undefined || controller === "") return [required("spec.controller")];
    if (typeof controller !== "string") return checkType("spec.controller", controller, "string");
    return controller.length > 250 ? [tooLong("spec.controller", 250)] : [];
  },
  validateUpdate(obj, old) {
    return immutableField("spec.controller", child(obj, "spec")?.controller, child(old, "spec")?.controller);
  },
};
