// Test support for the runtimes' tests: a pod sandbox's config as the kubelet would pass it, with
// a random uid and `kt-` names so a leftover is visible.
import { randomBytes } from "node:crypto";
import type { SandboxConfig } from "../runtime.ts";

/** A sandbox config for pod `name` in namespace default (pod network, no labels unless given). */
export function testSandboxConfig(name: string, extra: Partial<SandboxConfig> = {}): SandboxConfig {
  return {
    uid: randomBytes(8).toString("hex"),
    name,
    namespace: "default",
    hostNetwork: false,
    hostname: name,
    hostsFile: "127.0.0.1 localhost\n",
    resolvConf: "nameserver 127.0.0.53\n",
    labels: {},
    ...extra,
  };
}
