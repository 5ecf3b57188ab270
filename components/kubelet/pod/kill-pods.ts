// The kubelet's last resort on a second Ctrl-C: every pod sandbox's processes killed with no
// grace, the sandboxes (network namespaces, veths, containers) removed and the pods' volume
// directories unmounted and deleted, whatever the pod workers were still doing.

import type { Runtime } from "../runtime/runtime.ts";
import { removePodDir } from "./pod-volumes.ts";

export async function killAllPods(
  runtime: Runtime,
  podUids: Iterable<string>,
  rootDir: string,
  log: (line: string) => void,
): Promise<void> {
  for (const sandbox of await runtime.listSandboxes()) {
    try {
      await runtime.stopSandbox(sandbox.id, 0);
      await runtime.removeSandbox(sandbox.id);
    } catch (error) {
      log(`removing pod sandbox ${sandbox.id}: ${(error as Error).message}`);
    }
  }
  for (const uid of podUids) removePodDir(rootDir, uid);
}
