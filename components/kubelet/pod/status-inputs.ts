// What a pod's computed status depends on besides the clock (pod-status.ts's inputs), as one
// string: a periodic sync that finds it unchanged skips the rebuild and the write, as upstream's
// status manager writes only on change (pkg/kubelet/status/status_manager.go needsUpdate).

import type { ContainerStatus, SandboxStatus } from "../runtime/runtime.ts";
import type { Waiting } from "./pod-status.ts";

export interface StatusInputsKey {
  sandbox: SandboxStatus | undefined;
  containers: ContainerStatus[];
  waiting: Map<string, Waiting>;
  ready: Map<string, boolean>;
  started: Map<string, boolean>;
  imageIDs: Map<string, string>;
  hostIP: string;
}

function time(date: Date | undefined): number | null {
  return date === undefined ? null : date.getTime();
}

/** Equal strings for inputs that give the same status (given the same spec and previous status). */
export function statusInputsKey(inputs: StatusInputsKey): string {
  const { sandbox } = inputs;
  return JSON.stringify([
    sandbox ? [sandbox.id, sandbox.state, sandbox.ip] : null,
    inputs.containers.map((c) => [
      c.id,
      c.name,
      c.attempt,
      c.image,
      c.state,
      time(c.createdAt),
      time(c.startedAt),
      time(c.finishedAt),
      c.exitCode ?? null,
      c.reason ?? null,
      c.message ?? null,
      c.logPath,
    ]),
    [...inputs.waiting],
    [...inputs.ready],
    [...inputs.started],
    [...inputs.imageIDs],
    inputs.hostIP,
  ]);
}
