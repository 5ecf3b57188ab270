// PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1): default levels and exempt
// users, runtime classes and namespaces, defaulted and validated as upstream's
// k8s.io/pod-security-admission admission/api (v1/defaults.go, validation/validation.go).
import { LATEST, type Level, MODES, type Policy, parseLevel, parseVersion } from "./policy-level.ts";

export interface PodSecurityExemptions {
  usernames: string[];
  runtimeClasses: string[];
  namespaces: string[];
}

export interface PodSecurityConfig {
  defaults: Policy;
  exemptions: PodSecurityExemptions;
}

export const POD_SECURITY_CONFIG_GROUP = "pod-security.admission.config.k8s.io";
const VERSIONS = ["v1", "v1beta1", "v1alpha1"];

/** Upstream's defaults: everything privileged at latest, nothing exempt. */
export function defaultPodSecurityConfig(): PodSecurityConfig {
  return {
    defaults: {
      enforce: { level: "privileged", version: LATEST },
      audit: { level: "privileged", version: LATEST },
      warn: { level: "privileged", version: LATEST },
    },
    exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
  };
}

/**
 * A PodSecurityConfiguration object (already parsed from YAML or JSON) to a config; throws an
 * Error whose message lists every field error, in upstream's words.
 */
export function parsePodSecurityConfig(raw: unknown): PodSecurityConfig {
  const out = defaultPodSecurityConfig();
  if (raw === null || raw === undefined) return out;
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new Error("PodSecurityConfiguration must be an object");
  const obj = raw as Record<string, unknown>;
  const errors: string[] = [];
  const apiVersion = String(obj.apiVersion ?? "");
  const [group, version] = apiVersion.split("/");
  if (
    obj.kind !== "PodSecurityConfiguration" ||
    group !== POD_SECURITY_CONFIG_GROUP ||
    !VERSIONS.includes(version ?? "")
  )
    throw new Error(
      `no kind "${String(obj.kind ?? "")}" is registered for version "${apiVersion}": expected ${POD_SECURITY_CONFIG_GROUP}/v1 PodSecurityConfiguration`,
    );
  const defaults = objectField(obj, "defaults", errors);
  for (const mode of MODES) {
    const level = defaults[mode];
    if (level !== undefined) {
      const parsed = parseLevel(String(level));
      if (parsed.error)
        errors.push(`defaults.${mode}: Invalid value: ${JSON.stringify(level)}: ${parsed.error}`);
      else out.defaults[mode].level = parsed.level as Level;
    }
    const version = defaults[`${mode}-version`];
    if (version !== undefined) {
      const parsed = parseVersion(String(version));
      if (parsed.error)
        errors.push(`defaults.${mode}-version: Invalid value: ${JSON.stringify(version)}: ${parsed.error}`);
      else out.defaults[mode].version = parsed.version;
    }
  }
  const exemptions = objectField(obj, "exemptions", errors);
  for (const key of ["usernames", "runtimeClasses", "namespaces"] as const) {
    const list = exemptions[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      errors.push(`exemptions.${key}: Invalid value: must be a list of strings`);
      continue;
    }
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const value = String(item);
      if (typeof item !== "string" || value === "")
        errors.push(
          `exemptions.${key}[${i}]: Invalid value: ${JSON.stringify(item)}: must be a non-empty string`,
        );
      else if (seen.has(value))
        errors.push(`exemptions.${key}[${i}]: Duplicate value: ${JSON.stringify(value)}`);
      seen.add(value);
    });
    out.exemptions[key] = [...seen];
  }
  if (errors.length > 0) throw new Error(errors.join(", "));
  return out;
}

function objectField(obj: Record<string, unknown>, key: string, errors: string[]): Record<string, unknown> {
  const v = obj[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    errors.push(`${key}: Invalid value: must be an object`);
    return {};
  }
  return v as Record<string, unknown>;
}
