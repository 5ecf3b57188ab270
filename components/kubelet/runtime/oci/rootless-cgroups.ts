// The cgroups crun may make for kube's containers: inside a user namespace (rootless kube) only
// where the cgroup under which they go is writable (a delegated v2 subtree), else none, and crun
// runs with --cgroup-manager=disabled (as rootless podman does with cgroups v1).

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
