// What crun may do for kube inside a user namespace (rootless kube): make cgroups only where the
// parent cgroup is writable (a delegated v2 subtree), else none (--cgroup-manager=disabled, as
// rootless podman on cgroup v1); image layers need overlayfs there, which Linux 5.11+ allows.

import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";
import { CgroupPaths } from "./cgroup-paths.ts";
import type { CgroupMode } from "./crun-command.ts";

/** True in a user namespace that does not map the whole id range (rootless kube's inner process). */
export function inUserNamespace(uidMap?: string): boolean {
  let text = uidMap;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/uid_map", "utf8");
    } catch {
      return false;
    }
  }
  const rows = text
    .trim()
    .split("\n")
    .map((row) => row.trim().split(/\s+/).map(Number));
  return !(rows.length === 1 && rows[0]?.[0] === 0 && rows[0]?.[1] === 0 && rows[0]?.[2] === 4294967295);
}

/** Why crun cannot run pods in this user namespace (image layers need overlayfs there: Linux 5.11+). */
export function userNamespaceProblem(release: string): string | undefined {
  const [major = 0, minor = 0] = release.split(/[.-]/).map(Number);
  if (major > 5 || (major === 5 && minor >= 11)) return undefined;
  return `Linux ${release} cannot mount overlayfs in a user namespace (5.11+ can)`;
}

/** `mode`, or "none" when kube runs in a user namespace and may not write the containers' parent cgroup. */
export function usableCgroupMode(
  mode: CgroupMode,
  options: { userNamespace?: boolean; root?: string; writable?: (path: string) => boolean } = {},
): CgroupMode {
  if (mode === "none" || !(options.userNamespace ?? inUserNamespace())) return mode;
  const root = options.root ?? "/sys/fs/cgroup";
  const writable =
    options.writable ??
    ((path: string) => {
      try {
        accessSync(path, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    });
  const parent = CgroupPaths.selfCgroup(mode);
  // v1: crun makes the container's cgroup in every controller; memory stands for them all here.
  const dir = mode === "v2" ? join(root, parent) : join(root, "memory", parent);
  return writable(dir) ? mode : "none";
}
