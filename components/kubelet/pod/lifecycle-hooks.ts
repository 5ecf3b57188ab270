// Container lifecycle hooks (upstream pkg/kubelet/lifecycle/handlers.go): postStart runs right
// after the container starts and a failure kills it (FailedPostStartHook); preStop runs before
// the stop signal, within the grace period. exec, httpGet and sleep handlers.

import type { Container, LifecycleHandler } from "kubernetes-types/core/v1";
import type { Runtime } from "../runtime/runtime.ts";
import { runProbe } from "./prober.ts";

/** Runs a hook; resolves with undefined on success or the failure message. */
export async function runHook(
  handler: LifecycleHandler,
  target: { runtime: Runtime; containerId: string; podIP: string; container: Container },
  timeoutMs: number,
): Promise<string | undefined> {
  const sleep = (handler as { sleep?: { seconds?: number } }).sleep;
  if (sleep) {
    await new Promise((r) => setTimeout(r, Math.min((sleep.seconds ?? 0) * 1000, timeoutMs)));
    return undefined;
  }
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return runProbe(
    { exec: handler.exec, httpGet: handler.httpGet, tcpSocket: handler.tcpSocket, timeoutSeconds: seconds },
    target,
  );
}
