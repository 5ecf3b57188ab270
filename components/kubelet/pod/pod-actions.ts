// What one sync of a pod must do, decided from the spec and the runtime's containers alone
// (upstream pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions). Sandbox creation
// and killing the pod are not decided here: the worker keeps one sandbox per pod and kills it
// only on termination; the only containers added later are ephemeral ones, each started once.

import type { Container, Pod } from "kubernetes-types/core/v1";
import type { ContainerStatus } from "../runtime/runtime.ts";
import { attemptsByName } from "./pod-status.ts";

/** A container to start (or to start again once its back-off allows) and why. */
export interface ContainerToStart {
  spec: Container;
  /** Its latest attempt, if it ran before. */
  latest: ContainerStatus | undefined;
  reason: string;
  /** An ephemeral container's target: the running container whose PID namespace it joins. */
  target?: ContainerStatus;
}

export interface PodActions {
  /** True while an init container has not yet succeeded: no app container may start. */
  initializing: boolean;
  /** The init container to start next (init containers run one at a time, in order). */
  nextInitContainer: ContainerToStart | undefined;
  /** App containers to start, in spec order. */
  containersToStart: ContainerToStart[];
  /** App containers running (or created), whose probes must run. */
  running: { spec: Container; status: ContainerStatus }[];
  /** Ephemeral containers never started yet (they start even while init containers run, once). */
  ephemeralToStart: ContainerToStart[];
}

/** Whether an exited container starts again under the pod's restart policy. */
export function shouldRestart(exitCode: number | undefined, policy: string): boolean {
  if (policy === "Always") return true;
  if (policy === "OnFailure") return exitCode !== 0;
  return false;
}

/** Decides the next steps for a pod from its spec and every runtime container of its sandbox. */
export function computePodActions(pod: Pod, containers: ContainerStatus[]): PodActions {
  const byName = attemptsByName(containers);
  const policy = pod.spec?.restartPolicy ?? "Always";
  const actions: PodActions = {
    initializing: false,
    nextInitContainer: undefined,
    containersToStart: [],
    running: [],
    ephemeralToStart: [],
  };
  // Ephemeral containers are never restarted: one that ran once, whatever its end, stays as it is.
  for (const ephemeral of pod.spec?.ephemeralContainers ?? []) {
    if (byName.has(ephemeral.name)) continue;
    const { targetContainerName, ...spec } = ephemeral;
    const target = targetContainerName ? byName.get(targetContainerName)?.[0] : undefined;
    actions.ephemeralToStart.push({
      spec: spec as Container,
      latest: undefined,
      reason: `ephemeral container ${ephemeral.name} has not run`,
      ...(target?.state === "running" ? { target } : {}),
    });
  }
  for (const spec of pod.spec?.initContainers ?? []) {
    const latest = byName.get(spec.name)?.[0];
    if (latest?.state === "exited" && latest.exitCode === 0) continue;
    actions.initializing = true;
    if (latest?.state === "running" || latest?.state === "created") break;
    if (latest?.state === "exited" && policy === "Never") break;
    actions.nextInitContainer = {
      spec,
      latest,
      reason: latest
        ? `init container ${spec.name} exited with code ${latest.exitCode}, restart policy ${policy}`
        : `init container ${spec.name} has not run`,
    };
    break;
  }
  if (actions.initializing) return actions;
  for (const spec of pod.spec?.containers ?? []) {
    const latest = byName.get(spec.name)?.[0];
    if (latest && latest.state !== "exited") {
      actions.running.push({ spec, status: latest });
      continue;
    }
    if (latest && !shouldRestart(latest.exitCode, policy)) continue;
    actions.containersToStart.push({
      spec,
      latest,
      reason: latest
        ? `container ${spec.name} exited with code ${latest.exitCode}, restart policy ${policy}`
        : `container ${spec.name} has not run`,
    });
  }
  return actions;
}
