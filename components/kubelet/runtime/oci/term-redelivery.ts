// SIGTERM to a container's init that has no handler for it yet: the kernel drops a signal sent to a
// PID namespace's init that neither catches nor blocks it (pid_namespaces(7)), so a program still
// starting (a Bun image takes seconds on a busy node) would sit out the whole grace period.

import { readFile } from "node:fs/promises";
import { processAlive } from "../process/proc-stat.ts";

const SIGTERM_BIT = 1n << 14n;

/** The signal masks of /proc/<pid>/status that decide a SIGTERM's fate; undefined once gone. */
async function termMasks(pid: number): Promise<{ caught: boolean; held: boolean } | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const mask = (name: string) =>
    BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)`, "m").exec(text)?.[1] ?? "0"}`);
  const has = (name: string) => (mask(name) & SIGTERM_BIT) !== 0n;
  return {
    caught: has("SigCgt"),
    // Blocked (delivered once unblocked), pending, or ignored on purpose: nothing to redeliver.
    held: has("SigBlk") || has("SigPnd") || has("ShdPnd") || has("SigIgn"),
  };
}

/**
 * Sends SIGTERM to `pid`; if the kernel dropped it (no handler, not blocked: an init still starting),
 * watches until `done` settles and sends it once more as soon as the process installs a handler.
 * A process that never does is left to the grace period's SIGKILL, as upstream.
 */
export async function terminate(
  pid: number,
  startTime: string | undefined,
  done: Promise<unknown>,
  intervalMs = 50,
): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const first = await termMasks(pid);
  if (first === undefined || first.caught || first.held) return;
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  while (!finished) {
    await Bun.sleep(intervalMs);
    if (finished || !(await processAlive(pid, startTime))) return;
    const now = await termMasks(pid);
    if (now === undefined) return;
    if (now.caught) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // Gone.
      }
      return;
    }
  }
}
