// The phases of a pod start in the process runtime, from the kubelet's own state files (sandbox and
// container records, the supervisor's and the container's /proc start times): where the time goes;
// and the apiserver's own latency for a kind of request, from its request-duration histogram.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/** Boot time (ms since the epoch): /proc start times are clock ticks (100/s) after it. */
function bootMs(): number {
  return Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1] ?? 0) * 1000;
}

interface SandboxFile {
  id: string;
  name: string;
  createdAt: string;
}

interface ContainerFile {
  id: string;
  createdAt: string;
  startedAt?: string;
  supervisorStartTime?: string;
  config: { sandboxId: string };
}

/**
 * One line: p50/p99 (ms after the pod's create request was sent) of the sandbox started and done,
 * the container created, its supervisor forked, its program started (exec), its record saved, and
 * Running seen by the bench's watch. `created` and `running` are `performance.timeOrigin`-relative.
 */
export function podStartPhases(
  runtimeDir: string,
  created: Map<string, number>,
  running: Map<string, number>,
): string {
  const origin = performance.timeOrigin;
  const boot = bootMs();
  const phases: Record<string, number[]> = {
    "sandbox started": [],
    "sandbox done": [],
    "container created": [],
    "supervisor forked": [],
    "program started": [],
    "record saved": [],
    "Running seen": [],
  };
  const sandboxes = new Map<string, SandboxFile & { savedMs: number }>();
  try {
    for (const id of readdirSync(join(runtimeDir, "sandboxes"))) {
      const path = join(runtimeDir, "sandboxes", id, "sandbox.json");
      const record = JSON.parse(readFileSync(path, "utf8")) as SandboxFile;
      sandboxes.set(record.id, { ...record, savedMs: statSync(path).mtimeMs });
    }
    for (const id of readdirSync(join(runtimeDir, "containers"))) {
      const path = join(runtimeDir, "containers", id, "container.json");
      const record = JSON.parse(readFileSync(path, "utf8")) as ContainerFile;
      const sandbox = sandboxes.get(record.config.sandboxId);
      const sent = sandbox && created.get(sandbox.name);
      if (sandbox === undefined || sent === undefined) continue;
      const at = (ms: number) => ms - (origin + sent);
      phases["sandbox started"]?.push(at(Date.parse(sandbox.createdAt)));
      phases["sandbox done"]?.push(at(sandbox.savedMs));
      phases["container created"]?.push(at(Date.parse(record.createdAt)));
      if (record.supervisorStartTime !== undefined)
        phases["supervisor forked"]?.push(at(boot + Number(record.supervisorStartTime) * 10));
      if (record.startedAt !== undefined) phases["program started"]?.push(at(Date.parse(record.startedAt)));
      phases["record saved"]?.push(at(statSync(path).mtimeMs));
      const seen = running.get(sandbox.name);
      if (seen !== undefined) phases["Running seen"]?.push(seen - sent);
    }
  } catch (error) {
    return `phases unavailable: ${(error as Error).message}`;
  }
  return Object.entries(phases)
    .map(([name, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return `${name} ${percentile(sorted, 50).toFixed(0)}/${percentile(sorted, 99).toFixed(0)}`;
    })
    .join(", ");
}

/** Cumulative bucket counts (le -> count) of apiserver_request_duration_seconds for one request kind. */
export function durationBuckets(
  metrics: string,
  verb: string,
  resource: string,
  subresource: string,
): Map<string, number> {
  const buckets = new Map<string, number>();
  const labels = `verb="${verb}",group="",resource="${resource}",subresource="${subresource}"`;
  for (const match of metrics.matchAll(
    /^apiserver_request_duration_seconds_bucket\{(.*),le="([^"]+)"\} (\d+)$/gm,
  )) {
    if (match[1] === labels) buckets.set(match[2] as string, Number(match[3]));
  }
  return buckets;
}

/**
 * The apiserver's own latency for the requests between two snapshots of durationBuckets: the p50
 * and p99 as the upper bounds of their buckets ("≤ 0.4 s"), or "none" when no request was made.
 */
export function bucketPercentiles(before: Map<string, number>, after: Map<string, number>): string {
  const rows = [...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)] as const);
  const total = rows.find(([le]) => le === "+Inf")?.[1] ?? 0;
  if (total === 0) return "none";
  const bound = (p: number) => rows.find(([, n]) => n >= Math.ceil((total * p) / 100))?.[0] ?? "+Inf";
  return `p50 ≤ ${bound(50)} s, p99 ≤ ${bound(99)} s`;
}
