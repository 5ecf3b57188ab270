// Test support for the runtimes' tests: the teardown each real-kernel test runs, so a failing test
// leaves no sandbox, netns or bridge behind.
import type { Runtime } from "../runtime.ts";

/** Stops and removes every sandbox of `runtime`, then closes it and removes its bridge. */
export async function removeTestRuntime(
  runtime: Pick<Runtime, "listSandboxes" | "stopSandbox" | "removeSandbox"> & {
    close(options: { removeBridge: boolean }): Promise<void>;
  },
): Promise<void> {
  try {
    for (const sandbox of await runtime.listSandboxes()) {
      await runtime.stopSandbox(sandbox.id, 0);
      await runtime.removeSandbox(sandbox.id);
    }
  } finally {
    await runtime.close({ removeBridge: true });
  }
}
