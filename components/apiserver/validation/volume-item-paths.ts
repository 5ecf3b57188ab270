// The file paths a volume projects (configMap, secret and downwardAPI items, projected sources,
// the ServiceAccount token's path): relative, without a `..` element, not starting with `..`,
// so a pod cannot write outside its volume. Upstream: pkg/apis/core/validation/validation.go
// validateKeyToPath, validateDownwardAPIVolumeFile, ValidateLocalNonReservedPath.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid, required } from "./field-errors.ts";
import { child, isObject, type JsonObject } from "./json.ts";

/** ValidateLocalNonReservedPath: relative, no `..` element, not starting with `..`. */
export function localNonReservedPath(field: string, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (path.startsWith("/")) out.push(invalid(field, path, "must be a relative path"));
  if (path.split("/").includes("..")) out.push(invalid(field, path, "must not contain '..'"));
  else if (path.startsWith("..")) out.push(invalid(field, path, "must not start with '..'"));
  return out;
}

function items(at: string, source: JsonObject, keyed: boolean): StatusCause[] {
  const list = source.items;
  if (!Array.isArray(list)) return [];
  const out: StatusCause[] = [];
  list.forEach((item, i) => {
    if (!isObject(item)) return;
    const field = `${at}.items[${i}]`;
    if (keyed && (typeof item.key !== "string" || item.key === "")) out.push(required(`${field}.key`));
    if (typeof item.path !== "string" || item.path === "") out.push(required(`${field}.path`));
    if (typeof item.path === "string") out.push(...localNonReservedPath(`${field}.path`, item.path));
  });
  return out;
}

/** The item paths of one volume (`at` is `spec.volumes[i]`). */
export function volumeItemPaths(at: string, volume: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  const configMap = child(volume, "configMap");
  if (configMap) out.push(...items(`${at}.configMap`, configMap, true));
  const secret = child(volume, "secret");
  if (secret) out.push(...items(`${at}.secret`, secret, true));
  const downward = child(volume, "downwardAPI");
  if (downward) out.push(...items(`${at}.downwardAPI`, downward, false));
  const sources = child(volume, "projected")?.sources;
  if (Array.isArray(sources)) {
    sources.forEach((s, i) => {
      if (!isObject(s)) return;
      const base = `${at}.projected.sources[${i}]`;
      const cm = child(s, "configMap");
      if (cm) out.push(...items(`${base}.configMap`, cm, true));
      const sec = child(s, "secret");
      if (sec) out.push(...items(`${base}.secret`, sec, true));
      const dw = child(s, "downwardAPI");
      if (dw) out.push(...items(`${base}.downwardAPI`, dw, false));
      const token = child(s, "serviceAccountToken");
      if (token && typeof token.path === "string")
        out.push(...localNonReservedPath(`${base}.serviceAccountToken.path`, token.path));
    });
  }
  return out;
}
