// The sandbox's /etc/hosts and /etc/resolv.conf for a container that mounts none of its own: written
// to the sandbox directory from its record at the first such container, not at every sandbox's
// creation (the kubelet gives each container its own, so they were two files created per pod unused).

import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Mount } from "../runtime.ts";
import type { SandboxRecord } from "./runtime-state.ts";

export interface SandboxEtcFiles {
  hostsFile?: string;
  resolvConf?: string;
}

/** The sandbox files to mount for what `mounts` leaves out, written first when missing. */
export function sandboxEtcFiles(
  sandboxDir: string,
  sandbox: SandboxRecord,
  mounts: Mount[],
): SandboxEtcFiles {
  const own = new Set(mounts.map((m) => m.containerPath));
  const out: SandboxEtcFiles = {};
  const file = (name: string, contents: string | undefined): string | undefined => {
    const path = join(sandboxDir, name);
    if (existsSync(path)) return path;
    // A record from before the contents were kept had its files written at creation.
    if (contents === undefined) return undefined;
    writeFileSync(path, contents);
    return path;
  };
  if (!own.has("/etc/hosts")) {
    const path = file("hosts", sandbox.hostsFile);
    if (path !== undefined) out.hostsFile = path;
  }
  if (!own.has("/etc/resolv.conf")) {
    const path = file("resolv.conf", sandbox.resolvConf);
    if (path !== undefined) out.resolvConf = path;
  }
  return out;
}
