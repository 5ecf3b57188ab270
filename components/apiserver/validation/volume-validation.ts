// Validation of a PodSpec's volumes: unique DNS-1123 names, exactly one source, and the
// required fields of common sources. Upstream: pkg/apis/core/validation/validation.go
// ValidateVolumes and validateVolumeSource.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { duplicate, forbidden, invalid, notSupported, required } from "./field-errors.ts";
import { child, isObject, type JsonObject } from "./json.ts";
import { dns1123Label, dns1123Subdomain } from "./names.ts";
import { checkType } from "./type-checks.ts";
import { volumeItemPaths } from "./volume-item-paths.ts";
import { volumeSources } from "./volume-sources.ts";

const HOST_PATH_TYPES = [
  "",
  "BlockDevice",
  "CharDevice",
  "Directory",
  "DirectoryOrCreate",
  "File",
  "FileOrCreate",
  "Socket",
];
const MODE_MESSAGE = "must be a number between 0 and 0777 (octal), both inclusive";

function mode(field: string, v: unknown): StatusCause[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== "number" || !Number.isInteger(v)) return checkType(field, v, "integer");
  return v < 0 || v > 0o777 ? [invalid(field, v, MODE_MESSAGE)] : [];
}

function validateSource(at: string, v: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  const sources = volumeSources(v);
  if (sources.length === 0) return [required(at, "must specify a volume type")];
  for (const s of sources.slice(1))
    out.push(forbidden(`${at}.${s}`, "may not specify more than 1 volume type"));
  for (const s of sources) if (!isObject(v[s])) out.push(...checkType(`${at}.${s}`, v[s], "object"));
  if (out.length) return out;
  const configMap = child(v, "configMap");
  if (configMap) {
    if (!configMap.name) out.push(required(`${at}.configMap.name`));
    out.push(...mode(`${at}.configMap.defaultMode`, configMap.defaultMode));
  }
  const secret = child(v, "secret");
  if (secret) {
    if (!secret.secretName) out.push(required(`${at}.secret.secretName`));
    else if (typeof secret.secretName === "string")
      out.push(...dns1123Subdomain(`${at}.secret.secretName`, secret.secretName));
    out.push(...mode(`${at}.secret.defaultMode`, secret.defaultMode));
  }
  const hostPath = child(v, "hostPath");
  if (hostPath) {
    if (!hostPath.path) out.push(required(`${at}.hostPath.path`));
    if (hostPath.type !== undefined && !HOST_PATH_TYPES.includes(hostPath.type as string)) {
      out.push(notSupported(`${at}.hostPath.type`, hostPath.type, HOST_PATH_TYPES));
    }
  }
  const pvc = child(v, "persistentVolumeClaim");
  if (pvc && !pvc.claimName) out.push(required(`${at}.persistentVolumeClaim.claimName`));
  const nfs = child(v, "nfs");
  if (nfs) {
    if (!nfs.server) out.push(required(`${at}.nfs.server`));
    if (!nfs.path) out.push(required(`${at}.nfs.path`));
    else if (typeof nfs.path === "string" && !nfs.path.startsWith("/")) {
      out.push(invalid(`${at}.nfs.path`, nfs.path, "must be an absolute path"));
    }
  }
  const emptyDir = child(v, "emptyDir");
  if (emptyDir?.medium !== undefined && !["", "Memory", "HugePages"].includes(emptyDir.medium as string)) {
    out.push(notSupported(`${at}.emptyDir.medium`, emptyDir.medium, ["", "Memory", "HugePages"]));
  }
  const projected = child(v, "projected");
  if (projected) out.push(...mode(`${at}.projected.defaultMode`, projected.defaultMode));
  const downward = child(v, "downwardAPI");
  if (downward) out.push(...mode(`${at}.downwardAPI.defaultMode`, downward.defaultMode));
  const csi = child(v, "csi");
  if (csi && !csi.driver) out.push(required(`${at}.csi.driver`));
  out.push(...volumeItemPaths(at, v));
  return out;
}

/** Validates the volumes and returns their names (for volumeMount references). */
export function validateVolumes(
  path: string,
  volumes: unknown,
): { causes: StatusCause[]; names: Set<string> } {
  const names = new Set<string>();
  if (volumes === undefined || volumes === null) return { causes: [], names };
  if (!Array.isArray(volumes)) return { causes: checkType(path, volumes, "array"), names };
  const causes: StatusCause[] = [];
  volumes.forEach((v, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(v)) {
      causes.push(...checkType(at, v, "object"));
      return;
    }
    const name = v.name;
    if (name === undefined || name === null || name === "") causes.push(required(`${at}.name`));
    else if (typeof name !== "string") causes.push(...checkType(`${at}.name`, name, "string"));
    else {
      causes.push(...dns1123Label(`${at}.name`, name));
      if (names.has(name)) causes.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    causes.push(...validateSource(at, v));
  });
  return { causes, names };
}
