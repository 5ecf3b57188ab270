// --admission-control-config-file and --disable-admission-plugins for `kube apiserver` and
// `kube server` (upstream kube-apiserver's flags): the PodSecurity plugin's configuration or off;
// without them `kube apiserver` uses upstream's defaults and `kube server` its own.
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
  "disable-admission-plugins": {
    type: "string",
    valueHint: "strings",
    description:
      "Admission plugins to turn off (comma-separated); kube honours PodSecurity, its other plugins always run",
  },
} as const;

/** Upstream kube-apiserver's admission plugin names (what --disable-admission-plugins accepts). */
const KNOWN_PLUGINS = new Set([
  "AlwaysAdmit",
  "AlwaysDeny",
  "AlwaysPullImages",
  "CertificateApproval",
  "CertificateSigning",
  "CertificateSubjectRestriction",
  "ClusterTrustBundleAttest",
  "DefaultIngressClass",
  "DefaultStorageClass",
  "DefaultTolerationSeconds",
  "DenyServiceExternalIPs",
  "EventRateLimit",
  "ExtendedResourceToleration",
  "ImagePolicyWebhook",
  "LimitPodHardAntiAffinityTopology",
  "LimitRanger",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionWebhook",
  "NamespaceAutoProvision",
  "NamespaceExists",
  "NamespaceLifecycle",
  "NodeRestriction",
  "OwnerReferencesPermissionEnforcement",
  "PersistentVolumeClaimResize",
  "PodNodeSelector",
  "PodSecurity",
  "PodTolerationRestriction",
  "PodTopologyLabels",
  "Priority",
  "ResourceQuota",
  "RuntimeClass",
  "ServiceAccount",
  "StorageObjectInUseProtection",
  "TaintNodesByCondition",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionWebhook",
]);

/**
 * The PodSecurity configuration from the flag's file, or `fallback` without the flag; undefined
 * when --disable-admission-plugins names PodSecurity.
 */
export function readAdmissionFlags(
  args: { "admission-control-config-file"?: string; "disable-admission-plugins"?: string },
  fallback: PodSecurityConfig,
): PodSecurityConfig | undefined {
  const disabled = (args["disable-admission-plugins"] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  for (const plugin of disabled)
    if (!KNOWN_PLUGINS.has(plugin))
      throw new UsageError(`disable-admission-plugins plugin ${JSON.stringify(plugin)} is unknown`);
  if (disabled.includes("PodSecurity")) return undefined;
  const path = args["admission-control-config-file"];
  if (!path) return fallback;
  try {
    return readAdmissionConfigFile(path).podSecurity ?? fallback;
  } catch (error) {
    throw new UsageError(`--admission-control-config-file: ${(error as Error).message}`);
  }
}
