// --admission-control-config-file: an apiserver.config.k8s.io AdmissionConfiguration whose
// PodSecurity entry is inline (`configuration`) or a file (`path`, relative to it). Upstream:
// k8s.io/apiserver pkg/admission/config.go (ReadAdmissionConfiguration).
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import { type PodSecurityConfig, parsePodSecurityConfig } from "./pod-security-config.ts";

const ADMISSION_API_VERSIONS = [
  "apiserver.config.k8s.io/v1",
  "apiserver.config.k8s.io/v1alpha1",
  "apiserver.k8s.io/v1alpha1",
];

/** What kube takes from an admission configuration: today only PodSecurity's. */
export interface AdmissionConfigFile {
  podSecurity?: PodSecurityConfig;
}

/** Reads and validates the file; throws an Error naming the file and what is wrong. */
export function readAdmissionConfigFile(path: string): AdmissionConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(
      `unable to read admission control configuration from "${path}" [${(error as Error).message}]`,
    );
  }
  try {
    return parseAdmissionConfig(parse(text) as unknown, (p) =>
      readFileSync(isAbsolute(p) ? p : join(dirname(path), p), "utf8"),
    );
  } catch (error) {
    throw new Error(`failed to read plugin config from "${path}": ${(error as Error).message}`);
  }
}

/** The parsed AdmissionConfiguration; `readPath` loads a plugin's `path` entry. */
export function parseAdmissionConfig(raw: unknown, readPath: (path: string) => string): AdmissionConfigFile {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new Error("an AdmissionConfiguration object is required");
  const obj = raw as Record<string, unknown>;
  if (obj.kind !== "AdmissionConfiguration" || !ADMISSION_API_VERSIONS.includes(String(obj.apiVersion)))
    throw new Error(
      `no kind "${String(obj.kind ?? "")}" is registered for version "${String(obj.apiVersion ?? "")}": expected apiserver.config.k8s.io/v1 AdmissionConfiguration`,
    );
  const plugins = obj.plugins ?? [];
  if (!Array.isArray(plugins)) throw new Error("plugins: must be a list");
  const out: AdmissionConfigFile = {};
  for (const [i, entry] of plugins.entries()) {
    if (entry === null || typeof entry !== "object") throw new Error(`plugins[${i}]: must be an object`);
    const plugin = entry as Record<string, unknown>;
    if (typeof plugin.name !== "string" || plugin.name === "")
      throw new Error(`plugins[${i}].name: Required value`);
    if (plugin.name !== "PodSecurity") continue;
    const configuration =
      plugin.configuration ??
      (typeof plugin.path === "string" && plugin.path ? parse(readPath(plugin.path)) : undefined);
    out.podSecurity = parsePodSecurityConfig(configuration);
  }
  return out;
}
