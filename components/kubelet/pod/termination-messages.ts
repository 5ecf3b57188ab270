// Termination messages (upstream kuberuntime's getTerminationMessage): with
// terminationMessagePolicy FallbackToLogsOnError, a failed container's message is the tail of
// its log (80 lines, 2 KiB), read once per container.

import { readFileSync } from "node:fs";
import type { Pod } from "kubernetes-types/core/v1";
import type { ContainerStatus } from "../runtime/runtime.ts";

export class TerminationMessages {
  private readonly messages = new Map<string, string>();

  /** The status with its termination message filled in where the pod asks for one. */
  apply(pod: Pod, c: ContainerStatus): ContainerStatus {
    if (c.state !== "exited" || c.exitCode === 0 || c.message) return c;
    const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
      (s) => s.name === c.name,
    );
    if (spec?.terminationMessagePolicy !== "FallbackToLogsOnError") return c;
    let message = this.messages.get(c.id);
    if (message === undefined) {
      message = logTail(c.logPath, 80, 2048);
      this.messages.set(c.id, message);
    }
    return { ...c, message };
  }
}

/** The last `lines` lines (at most `bytes` bytes) of a CRI-format log, without the CRI prefixes. */
function logTail(path: string, lines: number, bytes: number): string {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return "";
  }
  const out = text
    .split("\n")
    .filter(Boolean)
    .map((line) => line.replace(/^\S+ (?:stdout|stderr) [FP] /, ""))
    .slice(-lines)
    .join("\n");
  return out.length > bytes ? out.slice(-bytes) : out;
}
