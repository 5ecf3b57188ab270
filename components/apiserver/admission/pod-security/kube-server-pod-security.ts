// `kube server`'s Pod Security defaults (the issue's choice, as a managed cluster would set):
// baseline enforced in user namespaces, and the system namespaces exempt, so static pods and
// add-ons that need the host (etcd, kube-proxy) keep running there.

import type { PodSecurityConfig } from "./pod-security-config.ts";
import { LATEST } from "./policy-level.ts";

export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];

export function kubeServerPodSecurityConfig(): PodSecurityConfig {
  return {
    defaults: {
      enforce: { level: "baseline", version: LATEST },
      audit: { level: "privileged", version: LATEST },
      warn: { level: "privileged", version: LATEST },
    },
    exemptions: { usernames: [], runtimeClasses: [], namespaces: [...SYSTEM_NAMESPACES] },
  };
}
