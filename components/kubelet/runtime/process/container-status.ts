// A container's CRI status from what the runtime knows: its record, the supervisor's `exit` file,
// the supervisor's `start` verdict ("ok" / "error <message>"), or that its supervisor vanished.

import type { ContainerStatus } from "../runtime.ts";
import type { ContainerRecord, ExitRecord } from "./runtime-state.ts";

/** How a container ended, as far as the runtime could tell. */
export interface ContainerEnd {
  exit: ExitRecord;
  /** The supervisor's set-up or exec error, when the container never ran its argv. */
  startError?: string;
  /** Set when no supervisor recorded the end (it was killed); the code is then a guess. */
  lost?: string;
}

export function exitReason(end: ContainerEnd): { reason: string; message?: string } {
  if (end.startError !== undefined) return { reason: "StartError", message: end.startError };
  if (end.lost !== undefined) return { reason: "Unknown", message: end.lost };
  if (end.exit.oomKills > 0 && end.exit.exitCode !== 0) return { reason: "OOMKilled" };
  return { reason: end.exit.exitCode === 0 ? "Completed" : "Error" };
}

export function containerStatus(record: ContainerRecord, end: ContainerEnd | undefined): ContainerStatus {
  const { config } = record;
  const base: ContainerStatus = {
    id: record.id,
    sandboxId: config.sandboxId,
    name: config.name,
    attempt: config.attempt,
    image: config.image,
    state: "running",
    createdAt: new Date(record.createdAt),
    logPath: record.logPath,
    labels: config.labels,
  };
  if (record.pid !== undefined) base.pid = record.pid;
  if (record.startError !== undefined) {
    return {
      ...base,
      state: "exited",
      exitCode: 128,
      reason: record.startError.reason,
      message: record.startError.message,
      finishedAt: new Date(record.startError.at),
    };
  }
  if (record.startedAt !== undefined) base.startedAt = new Date(record.startedAt);
  if (end === undefined) return record.pid === undefined ? { ...base, state: "created" } : base;
  const { reason, message } = exitReason(end);
  const status: ContainerStatus = {
    ...base,
    state: "exited",
    exitCode: end.startError !== undefined ? 128 : end.exit.exitCode,
    reason,
    finishedAt: end.exit.finishedAt,
  };
  if (end.startError !== undefined) delete status.startedAt;
  if (message !== undefined) status.message = message;
  return status;
}
