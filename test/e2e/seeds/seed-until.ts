// The seed walkthroughs' wait: until() with a deadline that fits one test step, and, when it
// times out, the cluster's pods and the tail of kube server's log on stderr to say why.

import type { KubeServer } from "../../harness/kube-server.ts";
import { until } from "../../harness/until.ts";

export type SeedUntil = <T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs?: number,
) => Promise<T>;

/** until() for `server()` (read when a wait times out, so it may be started later). */
export function seedUntil(server: () => KubeServer | undefined): SeedUntil {
  const onTimeout = async (what: string): Promise<void> => {
    const s = server();
    if (!s) return;
    const pods = await s.kubectl(["get", "pods,svc,endpointslices", "-A", "-o", "wide"]);
    const log = s.stderr().split("\n").slice(-60).join("\n");
    console.error(
      `timed out waiting for ${what}\n${pods.stdout}${pods.stderr}\n--- kube server log (tail)\n${log}`,
    );
  };
  return (what, fn, timeoutMs = 25_000) => until(what, fn, { timeoutMs, intervalMs: 100, onTimeout });
}
