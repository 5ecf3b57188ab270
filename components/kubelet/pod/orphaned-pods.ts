// Pods a previous kubelet left running that no source wants (upstream kubelet_pods.go
// HandlePodCleanups): their containers are stopped and removed, then the sandbox and pod dir.

import type { Runtime } from "../runtime/runtime.ts";
import { removePodDir } from "./pod-volumes.ts";

/** Removes every sandbox whose pod UID is not `wanted`; returns how many it removed. */
export async function removeOrphanedPods(options: {
  runtime: Runtime;
  rootDir: string;
  wanted(uid: string): boolean;
  log(line: string): void;
}): Promise<number> {
  const { runtime, log } = options;
  let removed = 0;
  for (const sandbox of await runtime.listSandboxes()) {
    if (options.wanted(sandbox.uid)) continue;
    removed++;
    log(`removing orphaned pod ${sandbox.namespace}/${sandbox.name} (${sandbox.uid}): no source wants it`);
    await runtime.stopSandbox(sandbox.id, 2);
    for (const c of await runtime.listContainers(sandbox.id)) await runtime.removeContainer(c.id);
    await runtime.removeSandbox(sandbox.id);
    removePodDir(options.rootDir, sandbox.uid);
  }
  return removed;
}
