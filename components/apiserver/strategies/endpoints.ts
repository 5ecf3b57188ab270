// The Endpoints and EndpointSlice strategies: port protocol defaults, addresses that are IPs
// of the slice's family, port numbers and names; PUT may create Endpoints. Upstream:
// pkg/apis/core/v1/defaults.go SetDefaults_Endpoints, pkg/apis/discovery/v1/defaults.go,
// pkg/apis/core/validation ValidateEndpoints, pkg/apis/discovery/validation.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { duplicate, invalid, notSupported, required } from "../validation/field-errors.ts";
import { immutableField } from "../validation/immutable.ts";
import { ipAddress, ipFamily } from "../validation/ip-address.ts";
import { child, isObject, list, objects, setDefault, str } from "../validation/json.ts";
import { dns1123Label, dns1123Subdomain } from "../validation/names.ts";
import { portNumber } from "../validation/ports.ts";
import { checkType } from "../validation/type-checks.ts";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];

function validatePorts(path: string, ports: unknown, nameRequired: boolean): StatusCause[] {
  if (ports !== undefined && ports !== null && !Array.isArray(ports)) return checkType(path, ports, "array");
  const out: StatusCause[] = [];
  const names = new Set<string>();
  const items = (ports as unknown[] | undefined) ?? [];
  items.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(p)) {
      out.push(...checkType(at, p, "object"));
      return;
    }
    const name = typeof p.name === "string" ? p.name : "";
    if (name === "" && nameRequired && items.length > 1) out.push(required(`${at}.name`));
    if (name !== "") {
      out.push(...dns1123Label(`${at}.name`, name));
      if (names.has(name)) out.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    if (typeof p.port !== "number")
      out.push(...(p.port === undefined ? [] : checkType(`${at}.port`, p.port, "integer")));
    else out.push(...portNumber(`${at}.port`, p.port));
    if (p.protocol !== undefined && p.protocol !== null && !PROTOCOLS.includes(p.protocol as string)) {
      out.push(notSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
    }
  });
  return out;
}

/**
 * Part of upstream's RepackSubsets (pkg/api/v1/endpoints/util.go): addresses in each subset
 * sorted by IP bytes, then target UID. The regrouping by port set is left as sent.
 */
function sortAddresses(obj: KObject): void {
  const key = (a: unknown) => (isObject(a) && typeof a.ip === "string" ? a.ip : "");
  const uid = (a: unknown) => str(child(a, "targetRef"), "uid") ?? "";
  for (const [subset] of objects(obj, "subsets")) {
    for (const k of ["addresses", "notReadyAddresses"]) {
      const list = subset[k];
      if (!Array.isArray(list)) continue;
      list.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        if (ka !== kb) return Buffer.compare(Buffer.from(ka), Buffer.from(kb));
        return uid(a) < uid(b) ? -1 : uid(a) > uid(b) ? 1 : 0;
      });
    }
  }
}

export const endpointsStrategy: Strategy = {
  allowCreateOnUpdate: true,
  prepareForCreate: sortAddresses,
  prepareForUpdate: (obj) => sortAddresses(obj),
  defaults(obj) {
    for (const [subset] of objects(obj, "subsets"))
      for (const [p] of objects(subset, "ports")) setDefault(p, "protocol", "TCP");
  },
  validate(obj) {
    if (obj.subsets !== undefined && obj.subsets !== null && !Array.isArray(obj.subsets))
      return checkType("subsets", obj.subsets, "array");
    const out: StatusCause[] = [];
    list(obj, "subsets").forEach((s, i) => {
      const at = `subsets[${i}]`;
      if (!isObject(s)) {
        out.push(...checkType(at, s, "object"));
        return;
      }
      for (const key of ["addresses", "notReadyAddresses"]) {
        list(s, key).forEach((a, j) => {
          const ip = isObject(a) ? a.ip : a;
          if (typeof ip !== "string" || ip === "") out.push(required(`${at}.${key}[${j}].ip`));
          else out.push(...ipAddress(`${at}.${key}[${j}].ip`, ip));
          if (isObject(a) && typeof a.hostname === "string" && a.hostname !== "") {
            out.push(...dns1123Label(`${at}.${key}[${j}].hostname`, a.hostname));
          }
        });
      }
      out.push(...validatePorts(`${at}.ports`, s.ports, true));
    });
    return out;
  },
};

const ADDRESS_TYPES = ["IPv4", "IPv6", "FQDN"];

export const endpointSliceStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    for (const [p] of objects(obj, "ports")) {
      if (p.name === undefined || p.name === null) p.name = "";
      setDefault(p, "protocol", "TCP");
    }
  },
  validate(obj) {
    const out: StatusCause[] = [];
    const type = obj.addressType;
    if (type === undefined || type === "") out.push(required("addressType"));
    else if (!ADDRESS_TYPES.includes(type as string))
      out.push(notSupported("addressType", type, ADDRESS_TYPES));
    if (obj.endpoints !== undefined && obj.endpoints !== null && !Array.isArray(obj.endpoints)) {
      return [...out, ...checkType("endpoints", obj.endpoints, "array")];
    }
    list(obj, "endpoints").forEach((e, i) => {
      const at = `endpoints[${i}]`;
      if (!isObject(e)) {
        out.push(...checkType(at, e, "object"));
        return;
      }
      const addresses = list(e, "addresses");
      if (addresses.length === 0) out.push(required(`${at}.addresses`, "must contain at least 1 address"));
      addresses.forEach((a, j) => {
        const field = `${at}.addresses[${j}]`;
        if (typeof a !== "string") out.push(...checkType(field, a, "string"));
        else if (type === "FQDN") out.push(...dns1123Subdomain(field, a));
        else if (type === "IPv4" || type === "IPv6") {
          const family = ipFamily(a);
          if (family === undefined) out.push(...ipAddress(field, a));
          else if (family !== type) out.push(invalid(field, a, `must be an ${type} address`));
        }
      });
    });
    out.push(...validatePorts("ports", obj.ports, false));
    return out;
  },
  validateUpdate(obj, old) {
    return immutableField("addressType", obj.addressType, old.addressType);
  },
};
