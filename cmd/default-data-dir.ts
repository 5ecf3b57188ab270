// Where kube keeps its data when --data-dir is not given: /var/lib/kube as root (like k3s's
// /var/lib/rancher), otherwise ~/.kube-server so an unprivileged user needs no setup.
// Both the directory and how --help describes it live here, so they cannot drift apart.

import { homedir } from "node:os";
import { join } from "node:path";

/** How --help shows the default, since the real one depends on who runs kube. */
export function defaultDataDirHelp(sub?: string): string {
  const suffix = sub === undefined ? "" : `/${sub}`;
  return `/var/lib/kube${suffix} as root, else $HOME/.kube-server${suffix}`;
}

/** The default data directory, or `sub` inside it. */
export function defaultDataDir(sub?: string): string {
  const base = process.getuid?.() === 0 ? "/var/lib/kube" : join(homedir(), ".kube-server");
  return sub === undefined ? base : join(base, sub);
}
