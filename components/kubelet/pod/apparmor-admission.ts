// The kubelet's AppArmor admission (pkg/security/apparmor/validate.go, lifecycle's
// appArmorAdmitHandler): a pending pod that asks for any AppArmor profile but `Unconfined` (field or
// deprecated annotation) is rejected when the host has no AppArmor, as upstream: phase Failed, reason AppArmor.

import { readFileSync, statSync } from "node:fs";
import type { Pod } from "kubernetes-types/core/v1";

/** v1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix and its unconfined value. */
const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const ANNOTATION_UNCONFINED = "unconfined";

export interface PodRejection {
  reason: string;
  message: string;
}

/** Upstream's apparmor.IsEnabled (after runc): securityfs has apparmor and the module says Y. */
export function appArmorEnabled(root = "/sys"): boolean {
  try {
    statSync(`${root}/kernel/security/apparmor`);
    return readFileSync(`${root}/module/apparmor/parameters/enabled`, "utf8").startsWith("Y");
  } catch {
    return false;
  }
}

type Profile = { type?: string; localhostProfile?: string } | undefined;

/** isRequired: some profile other than Unconfined is asked for. */
function appArmorRequired(pod: Pod): boolean {
  const spec = pod.spec;
  const confined = (profile: Profile) => profile !== undefined && profile.type !== "Unconfined";
  if (confined(spec?.securityContext?.appArmorProfile)) return true;
  const containers = [
    ...(spec?.initContainers ?? []),
    ...(spec?.containers ?? []),
    ...(spec?.ephemeralContainers ?? []),
  ];
  if (containers.some((c) => confined(c.securityContext?.appArmorProfile))) return true;
  return Object.entries(pod.metadata?.annotations ?? {}).some(
    ([key, value]) => key.startsWith(ANNOTATION_PREFIX) && value !== ANNOTATION_UNCONFINED,
  );
}

/** Why the kubelet refuses `pod` (only pending pods are checked), or undefined when it admits it. */
export function appArmorAdmission(pod: Pod, enabled: boolean): PodRejection | undefined {
  if ((pod.status?.phase ?? "Pending") !== "Pending" || !appArmorRequired(pod)) return undefined;
  if (!enabled)
    return { reason: "AppArmor", message: "Cannot enforce AppArmor: AppArmor is not enabled on the host" };
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const profile of [
    pod.spec?.securityContext?.appArmorProfile,
    ...containers.map((c) => c.securityContext?.appArmorProfile),
  ]) {
    if (profile?.type === "Localhost" && (profile.localhostProfile ?? "").trim() === "") {
      return {
        reason: "AppArmor",
        message: `Cannot enforce AppArmor: invalid empty AppArmor profile name: ${JSON.stringify(profile)}`,
      };
    }
  }
  return undefined;
}
