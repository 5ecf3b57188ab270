// The Linux namespaces of a pod's pause container and of its containers (containerd's CRI
// sandbox and container namespace options): network from the pod's netns, IPC and UTS shared
// (pinned files or the pause's), PID per container unless shareProcessNamespace, host ones for hostPID/IPC/Network.

import type { OciSandboxRecord } from "./oci-sandbox-record.ts";
import type { OciNamespace } from "./oci-spec.ts";

function network(sandbox: OciSandboxRecord): OciNamespace[] {
  if (sandbox.hostNetwork || sandbox.netns === undefined) return [];
  return [{ type: "network", path: `/run/netns/${sandbox.netns}` }];
}

/** The pause container's: new PID, IPC and UTS namespaces unless the pod uses the host's. */
export function pauseNamespaces(sandbox: OciSandboxRecord): OciNamespace[] {
  const spaces: OciNamespace[] = [{ type: "mount" }, ...network(sandbox)];
  if (sandbox.hostPID !== true) spaces.push({ type: "pid" });
  if (sandbox.hostIPC !== true) spaces.push({ type: "ipc" });
  if (!sandbox.hostNetwork) spaces.push({ type: "uts" });
  return spaces;
}

/**
 * A container's: its own mount (and PID unless shared) namespace, the pod's IPC and UTS, the pause's PID;
 * with `targetPid` (kubectl debug --target) the PID namespace of that container's process.
 */
export function containerNamespaces(sandbox: OciSandboxRecord, targetPid?: number): OciNamespace[] {
  const pause = sandbox.pausePid;
  const spaces: OciNamespace[] = [{ type: "mount" }, ...network(sandbox)];
  if (sandbox.hostPID !== true) {
    spaces.push(
      targetPid !== undefined
        ? { type: "pid", path: `/proc/${targetPid}/ns/pid` }
        : sandbox.shareProcessNamespace === true && pause !== undefined
          ? { type: "pid", path: `/proc/${pause}/ns/pid` }
          : { type: "pid" },
    );
  }
  const shared = (type: "ipc" | "uts"): OciNamespace => {
    const pinned = sandbox.namespaces?.[type];
    if (pinned !== undefined) return { type, path: pinned };
    return pause !== undefined ? { type, path: `/proc/${pause}/ns/${type}` } : { type };
  };
  if (sandbox.hostIPC !== true) spaces.push(shared("ipc"));
  if (!sandbox.hostNetwork) spaces.push(shared("uts"));
  return spaces;
}
