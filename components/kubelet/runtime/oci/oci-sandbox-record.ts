// What the OCI runtime keeps per pod sandbox beyond the process runtime's record: what holds the
// pod's IPC and UTS namespaces (pinned files, or a pause container), and the pod's namespace choices.

import type { SandboxRecord } from "../process/runtime-state.ts";
import type { PinnedNamespaces } from "./pinned-namespaces.ts";

export interface OciSandboxRecord extends SandboxRecord {
  /** The pause process (PID 1 of the pod's PID namespace) and its start time (pid reuse guard). */
  pausePid?: number;
  pauseStartTime?: string;
  hostPID?: boolean;
  hostIPC?: boolean;
  shareProcessNamespace?: boolean;
  /** The pod's IPC and UTS namespaces pinned by bind mounts (pinned-namespaces.ts): no pause then. */
  namespaces?: PinnedNamespaces;
  /** The pod's /dev/shm tmpfs on the host (sandbox-shm.ts); absent with hostIPC. */
  shm?: string;
}
