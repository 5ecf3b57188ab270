// --admission-control-config-file for `kube apiserver` and `kube server`: the PodSecurity
// plugin's configuration (upstream kube-apiserver's flag; PodSecurity is on by default there).
// Without the flag, `kube apiserver` uses upstream's defaults (privileged, namespace labels
// decide) and `kube server` its own (baseline enforced, system namespaces exempt).
import { readAdmissionConfigFile } from "../components/apiserver/admission/pod-security/admission-config-file.ts";
import type { PodSecurityConfig } from "../components/apiserver/admission/pod-security/pod-security-config.ts";
import { UsageError } from "./usage-error.ts";

export const ADMISSION_FLAGS = {
  "admission-control-config-file": {
    type: "string",
    valueHint: "path",
    description:
      "AdmissionConfiguration file (apiserver.config.k8s.io/v1); its PodSecurity entry sets the default levels and exemptions",
  },
} as const;

/** The PodSecurity configuration from the flag's file, or `fallback` without the flag. */
export function readAdmissionFlags(
  args: { "admission-control-config-file"?: string },
  fallback: PodSecurityConfig,
): PodSecurityConfig {
  const path = args["admission-control-config-file"];
  if (!path) return fallback;
  try {
    return readAdmissionConfigFile(path).podSecurity ?? fallback;
  } catch (error) {
    throw new UsageError(`--admission-control-config-file: ${(error as Error).message}`);
  }
}
