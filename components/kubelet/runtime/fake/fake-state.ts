// The fake runtime's sandboxes and containers on disk (<root-dir>/fake-runtime.json), the way a
// real runtime's state outlives the kubelet (crun's state dir, the process runtime's pods): a
// restarted fake kubelet finds its pods running and adopts them instead of starting them again.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ContainerStatus, SandboxStatus } from "../runtime.ts";

export interface FakeState {
  /** The last ID number handed out, so IDs are never reused after a restart. */
  serial: number;
  sandboxes: SandboxStatus[];
  containers: ContainerStatus[];
}

const VERSION = 1;

const date = (value: unknown): Date | undefined =>
  typeof value === "string" || typeof value === "number" ? new Date(value) : undefined;

/**
 * The state a previous fake runtime saved at `path`, removing the file: what runs from now on is
 * in memory until the next close saves it. Undefined when there is none.
 */
export function takeFakeState(path: string): FakeState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  let raw: { version?: number } & Partial<FakeState>;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: unreadable fake runtime state: ${(error as Error).message}`);
  }
  if (raw.version !== VERSION || !Array.isArray(raw.sandboxes) || !Array.isArray(raw.containers))
    throw new Error(`${path}: not a fake runtime state (version ${VERSION})`);
  rmSync(path, { force: true });
  return {
    serial: Number(raw.serial) || 0,
    sandboxes: raw.sandboxes.map((s) => ({ ...s, createdAt: date(s.createdAt) ?? new Date(0) })),
    containers: raw.containers.map((c) => {
      const status: ContainerStatus = { ...c, createdAt: date(c.createdAt) ?? new Date(0) };
      const startedAt = date(c.startedAt);
      const finishedAt = date(c.finishedAt);
      if (startedAt) status.startedAt = startedAt;
      if (finishedAt) status.finishedAt = finishedAt;
      return status;
    }),
  };
}

/** Writes `state` to `path` atomically (a crash leaves the old file or the new one). */
export function saveFakeState(path: string, state: FakeState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: VERSION, ...state }));
  renameSync(tmp, path);
}
