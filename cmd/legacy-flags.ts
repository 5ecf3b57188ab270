// Flags of the seeds' era (hyperkube 1.0's master.json, the from-scratch guide, Fedora unit
// files) that upstream has since removed from the kubelet, scheduler, controller manager and
// proxy, and the apiserver (besides those apiserver.ts handles itself): accepted with a one-line
// deprecation warning naming what replaced them; `mapsTo` hands the value to today's flag.

import type { ArgDef } from "citty";
import { type DeprecatedFlag, deprecatedArgs, warnDeprecated } from "./deprecated-flags.ts";

export interface LegacyFlag extends DeprecatedFlag {
  /** Today's flag that receives the value (unless it was given itself). */
  mapsTo?: string;
}

const CLOUD = "in-tree cloud providers were removed in 1.29: run the provider's cloud-controller-manager";
const INSECURE_SERVING =
  "the insecure serving port was removed in 1.24: /healthz and /metrics are served on the secure port";

const TABLES: Record<string, Record<string, LegacyFlag>> = {
  apiserver: {
    "portal-net": {
      type: "string",
      replacement: "use --service-cluster-ip-range (renamed in 1.0)",
      mapsTo: "service-cluster-ip-range",
    },
    port: {
      type: "string",
      replacement: "use --insecure-port (the insecure port; removed in 1.20)",
      mapsTo: "insecure-port",
    },
    "cloud-provider": { type: "string", replacement: CLOUD },
    "cloud-config": { type: "string", replacement: CLOUD },
  },
  kubelet: {
    containerized: {
      type: "boolean",
      replacement: "removed in 1.16: kube's kubelet runs pods as processes, in a container or not",
    },
    "allow-privileged": {
      type: "boolean",
      replacement: "removed in 1.15: privileged containers are governed by Pod Security admission",
    },
    "docker-root": { type: "string", replacement: "removed with the dockershim in 1.24: see --root-dir" },
    "cloud-provider": { type: "string", replacement: CLOUD },
    "cloud-config": { type: "string", replacement: CLOUD },
    "cadvisor-port": { type: "string", replacement: "removed in 1.12: stats are served on /stats/summary" },
    "register-schedulable": {
      type: "boolean",
      replacement: "removed in 1.15: use --register-with-taints (kube: kubectl cordon)",
    },
    "network-plugin": {
      type: "string",
      replacement: "removed with the dockershim in 1.24: kube wires each pod's network namespace itself",
    },
  },
  scheduler: {
    address: { type: "string", replacement: INSECURE_SERVING },
    port: { type: "string", replacement: INSECURE_SERVING },
    "algorithm-provider": { type: "string", replacement: "removed in 1.23: use a scheduler configuration" },
  },
  "controller-manager": {
    address: { type: "string", replacement: INSECURE_SERVING },
    port: { type: "string", replacement: INSECURE_SERVING },
    "cluster-name": {
      type: "string",
      replacement: "the cluster name only prefixed cloud resources: kube has no cloud provider",
    },
    "cloud-provider": { type: "string", replacement: CLOUD },
    "cloud-config": { type: "string", replacement: CLOUD },
  },
  proxy: {
    "cloud-provider": { type: "string", replacement: CLOUD },
    "proxy-port-range": {
      type: "string",
      replacement: "removed with the userspace proxier in 1.26: kube's userspace mode picks free ports",
    },
  },
};

/** The legacy flags of `command` as citty definitions (listed apart in --help). */
export function legacyArgs(command: string): Record<string, ArgDef> {
  return deprecatedArgs(TABLES[command] ?? {});
}

/** True when the raw command line gives `--name` (as `--name`, `--name=v` or `--no-name`). */
function given(rawArgs: readonly string[], name: string): boolean {
  return rawArgs.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `--no-${name}`);
}

/**
 * Warns once per legacy flag given, and copies mapped values to today's flags in `args`
 * (parsed) unless the command line gave those too.
 */
export function applyLegacyFlags(
  command: string,
  args: Record<string, unknown>,
  rawArgs: readonly string[],
  log: (line: string) => void,
): void {
  const table = TABLES[command] ?? {};
  warnDeprecated(table, args, log);
  for (const [name, flag] of Object.entries(table)) {
    if (flag.mapsTo === undefined || args[name] === undefined || args[name] === false) continue;
    if (!given(rawArgs, flag.mapsTo)) args[flag.mapsTo] = args[name];
  }
}

/** For tests: every command that has legacy flags, with their names. */
export function legacyFlagNames(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(TABLES).map(([k, v]) => [k, Object.keys(v)]));
}
