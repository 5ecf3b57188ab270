// Upstream's SetVolumeOwnership (pkg/volume/volume_linux.go): with a pod fsGroup, every entry of an
// emptyDir, configMap, secret, downwardAPI or projected volume gets that group (lchown), files gain
// group rw (r on read-only volumes) and directories also setgid and group x; symlinks keep their mode.

import { chmodSync, lchownSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

const rwMask = 0o660;
const roMask = 0o440;
const execMask = 0o110;
const setgid = 0o2000;

/** Applies fsGroup to `dir` and everything under it, not following symlinks. */
export function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean): void {
  const pending = [dir];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const info = lstatSync(path);
    lchownSync(path, -1, fsGroup);
    // chmod follows symlinks: it would change the target's mode (the volume's defaultMode) instead.
    if (info.isSymbolicLink()) continue;
    let mask = readOnly ? roMask : rwMask;
    if (info.isDirectory()) {
      mask |= setgid | execMask;
      for (const name of readdirSync(path)) pending.push(join(path, name));
    }
    chmodSync(path, (info.mode & 0o7777) | mask);
  }
}

/** The pod's fsGroup, when it sets one (spec.securityContext.fsGroup). */
export function podFsGroup(pod: { spec?: { securityContext?: { fsGroup?: number } } }): number | undefined {
  return pod.spec?.securityContext?.fsGroup;
}
