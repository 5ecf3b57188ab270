// A pod sandbox's CRI status from its record: "ready" until stopped or until its network namespace
// is gone (a reboot, or someone ran `ip netns del`).

import { existsSync } from "node:fs";
import type { SandboxStatus } from "../runtime.ts";
import type { SandboxRecord } from "./runtime-state.ts";

export function sandboxReady(record: SandboxRecord): boolean {
  return record.stopped !== true && (record.netns === undefined || existsSync(`/run/netns/${record.netns}`));
}

export function sandboxStatus(record: SandboxRecord): SandboxStatus {
  const status: SandboxStatus = {
    id: record.id,
    uid: record.uid,
    name: record.name,
    namespace: record.namespace,
    state: sandboxReady(record) ? "ready" : "notready",
    ip: record.ip,
    hostNetwork: record.hostNetwork,
    createdAt: new Date(record.createdAt),
    labels: record.labels,
  };
  if (record.netns !== undefined) status.netns = record.netns;
  return status;
}
