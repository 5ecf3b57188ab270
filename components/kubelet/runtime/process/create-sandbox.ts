// The process runtime's sandbox creation (CRI RunPodSandbox): a state directory whose record keeps
// the pod's hosts and resolv.conf (sandbox-etc-files.ts writes them once a container needs them),
// and a network namespace on the node bridge unless hostNetwork.

import { mkdirSync } from "node:fs";
import type { NodeNetwork } from "../../network/node-network.ts";
import type { SandboxConfig } from "../runtime.ts";
import type { RuntimeState, SandboxRecord } from "./runtime-state.ts";

/** Creates and saves sandbox `id`; on failure its state is removed and the error thrown. */
export async function createSandbox(
  state: RuntimeState,
  network: NodeNetwork | undefined,
  nodeIP: string,
  id: string,
  config: SandboxConfig,
): Promise<SandboxRecord> {
  const dir = state.sandboxDir(id);
  // Synchronous: small local files (see runtime-state.ts's writeJson).
  mkdirSync(dir, { recursive: true });
  const record: SandboxRecord = {
    id,
    uid: config.uid,
    name: config.name,
    namespace: config.namespace,
    hostname: config.hostname,
    hostNetwork: config.hostNetwork,
    ip: nodeIP,
    createdAt: new Date().toISOString(),
    labels: config.labels,
    hostsFile: config.hostsFile,
    resolvConf: config.resolvConf,
  };
  try {
    if (!config.hostNetwork && network !== undefined) {
      const attachment = await network.attach(id, config.namespace, config.name);
      Object.assign(record, attachment);
    }
    await state.saveSandbox(record);
  } catch (error) {
    await state.removeSandbox(id);
    throw error;
  }
  return record;
}
