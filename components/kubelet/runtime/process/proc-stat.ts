// Processes through /proc: a process's start time (to tell a live pid from a reused one), the CPU
// and memory of a process group when there is no cgroup to ask, and signalling a whole group.

import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/** Fields of /proc/<pid>/stat after the parenthesised command name (which may hold spaces). */
async function statFields(pid: number): Promise<string[] | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** statFields, read inline: /proc never waits for a disk, and a thread-pool hop costs more. */
function statFieldsNow(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** Field 22 (starttime, clock ticks since boot), or undefined when the process does not exist. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  const fields = statFieldsNow(pid);
  // fields[0] is field 3 (state): starttime (22) is fields[19]. A zombie has ended.
  if (fields === undefined || fields[0] === "Z") return undefined;
  return fields[19];
}

/** True when `pid` runs and is the same process as when `startTime` was recorded. */
export async function processAlive(pid: number, startTime: string | undefined): Promise<boolean> {
  const now = await processStartTime(pid);
  return now !== undefined && (startTime === undefined || now === startTime);
}

const ticksPerSecond = 100;
const pageSize = 4096;

/** CPU time (utime+stime) and resident memory summed over every process in process group `pgid`. */
export async function processGroupUsage(
  pgid: number,
): Promise<{ cpuUsageNanos: number; memoryWorkingSetBytes: number } | undefined> {
  let cpuTicks = 0;
  let rssPages = 0;
  let found = false;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await statFields(Number(entry));
    // fields[2] = pgrp (5), [11] utime (14), [12] stime (15), [21] rss (24).
    if (fields === undefined || Number(fields[2]) !== pgid) continue;
    found = true;
    cpuTicks += Number(fields[11]) + Number(fields[12]);
    rssPages += Number(fields[21]);
  }
  if (!found) return undefined;
  return {
    cpuUsageNanos: Math.round((cpuTicks * 1e9) / ticksPerSecond),
    memoryWorkingSetBytes: rssPages * pageSize,
  };
}

/** Sends `signal` to every process in group `pgid`; a group already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone.
  }
}
