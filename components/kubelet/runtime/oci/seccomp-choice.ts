// Which seccomp profile a container gets (kubelet's seccompProfile semantics with containerd):
// RuntimeDefault unless Unconfined or privileged; Localhost reads <seccompRoot>/<localhostProfile>.

import { readFileSync } from "node:fs";
import { isAbsolute, join, normalize } from "node:path";
import type { ContainerSecurity } from "../runtime.ts";
import { runtimeDefaultProfile, type SeccompProfile } from "./seccomp-profile.ts";

/** The profile builder for the spec (it depends on the final capability set), or undefined: none. */
export function seccompFor(
  security: ContainerSecurity,
  seccompRoot: string,
): ((capabilities: string[]) => SeccompProfile) | undefined {
  if (security.privileged === true) return undefined;
  const type = security.seccompProfile?.type ?? "RuntimeDefault";
  if (type === "Unconfined") return undefined;
  if (type === "Localhost") {
    const name = security.seccompProfile?.localhostProfile ?? "";
    const relative = normalize(name);
    if (name === "" || isAbsolute(name) || relative.startsWith("..")) {
      throw new Error(`invalid localhostProfile "${name}": must be a relative path under the seccomp root`);
    }
    const path = join(seccompRoot, relative);
    let profile: SeccompProfile;
    try {
      profile = JSON.parse(readFileSync(path, "utf8")) as SeccompProfile;
    } catch (error) {
      throw new Error(`failed to load seccomp profile "${path}": ${(error as Error).message}`);
    }
    return () => profile;
  }
  return (capabilities) => runtimeDefaultProfile(capabilities);
}
