// A pod's status computed from what the runtime reports plus the kubelet's own knowledge
// (waiting reasons, probe results), as upstream's kubelet does in generateAPIPodStatus
// (pkg/kubelet/kubelet_pods.go): phase, conditions, container statuses, IPs and QoS class.

import type {
  ContainerStatus as ApiContainerStatus,
  Container,
  Pod,
  PodCondition,
  PodStatus,
} from "kubernetes-types/core/v1";
import type { ContainerStatus, SandboxStatus } from "../runtime/runtime.ts";

/** Why a container is not running, when the kubelet knows better than the runtime. */
export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInputs {
  pod: Pod;
  sandbox: SandboxStatus | undefined;
  /** Every runtime container of the pod (all attempts). */
  containers: ContainerStatus[];
  /** Waiting reasons by container name (CrashLoopBackOff, ErrImagePull, ...). */
  waiting: Map<string, Waiting>;
  /** Readiness by container ID (absent: no readiness probe result yet). */
  ready: Map<string, boolean>;
  /** Startup probe passed, by container ID. */
  started: Map<string, boolean>;
  hostIP: string;
  imageIDs: Map<string, string>;
  now: Date;
  /** Previous status, to keep condition transition times stable. */
  previous: PodStatus | undefined;
}

export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The latest and previous attempt of each container name. */
export function attemptsByName(containers: ContainerStatus[]): Map<string, ContainerStatus[]> {
  const byName = new Map<string, ContainerStatus[]>();
  for (const c of containers) {
    const list = byName.get(c.name) ?? [];
    list.push(c);
    byName.set(c.name, list);
  }
  for (const list of byName.values()) list.sort((a, b) => b.attempt - a.attempt);
  return byName;
}

function terminated(c: ContainerStatus) {
  return {
    exitCode: c.exitCode ?? 0,
    reason: c.reason ?? (c.exitCode === 0 ? "Completed" : "Error"),
    message: c.message,
    startedAt: c.startedAt ? rfc3339(c.startedAt) : undefined,
    finishedAt: rfc3339(c.finishedAt ?? c.createdAt),
    containerID: `kube://${c.id}`,
  };
}

/** The image ID the API already shows for this very container (adopted after a kubelet restart, no pull). */
function adoptedImageID(inputs: StatusInputs, name: string, latest: ContainerStatus | undefined): string {
  if (!latest) return "";
  const previous = inputs.previous;
  const all = [...(previous?.containerStatuses ?? []), ...(previous?.initContainerStatuses ?? [])];
  const same = all.find((c) => c.name === name && c.containerID === `kube://${latest.id}`);
  return same?.imageID ?? "";
}

function containerStatus(
  spec: Container,
  attempts: ContainerStatus[] | undefined,
  inputs: StatusInputs,
  init: boolean,
  defaultWaiting = "ContainerCreating",
): ApiContainerStatus {
  const latest = attempts?.[0];
  const previous = attempts?.[1];
  const waiting = inputs.waiting.get(spec.name);
  const status: ApiContainerStatus = {
    name: spec.name,
    image: spec.image ?? "",
    imageID: inputs.imageIDs.get(spec.image ?? "") ?? adoptedImageID(inputs, spec.name, latest),
    ready: false,
    restartCount: latest?.attempt ?? 0,
    started: false,
    state: {},
    lastState: {},
  };
  if (latest) status.containerID = `kube://${latest.id}`;
  if (latest?.state === "running" && !waiting) {
    const started = spec.startupProbe ? inputs.started.get(latest.id) === true : true;
    status.started = started;
    status.ready = init
      ? false
      : started && (spec.readinessProbe ? inputs.ready.get(latest.id) === true : true);
    status.state = { running: { startedAt: rfc3339(latest.startedAt ?? latest.createdAt) } };
    if (previous?.state === "exited") status.lastState = { terminated: terminated(previous) };
  } else if (latest?.state === "exited" && !waiting) {
    status.state = { terminated: terminated(latest) };
    if (init && latest.exitCode === 0) status.ready = true;
    if (previous?.state === "exited") status.lastState = { terminated: terminated(previous) };
  } else {
    status.state = { waiting: { reason: waiting?.reason ?? defaultWaiting, message: waiting?.message } };
    if (latest?.state === "exited") status.lastState = { terminated: terminated(latest) };
  }
  return status;
}

function qosClass(pod: Pod): "Guaranteed" | "Burstable" | "BestEffort" {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const r of ["cpu", "memory"]) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || String(limit) !== String(request)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function phaseOf(pod: Pod, init: ApiContainerStatus[], main: ApiContainerStatus[]): string {
  const policy = pod.spec?.restartPolicy ?? "Always";
  for (const s of init) {
    const t = s.state?.terminated;
    if (t && t.exitCode !== 0 && policy === "Never") return "Failed";
  }
  if (!init.every((s) => s.state?.terminated?.exitCode === 0) && init.length) return "Pending";
  let running = 0;
  let waitingFresh = 0;
  let restarting = 0;
  let succeeded = 0;
  let failed = 0;
  for (const s of main) {
    if (s.state?.running) running++;
    else if (s.state?.waiting) {
      if (s.lastState?.terminated) restarting++;
      else waitingFresh++;
    } else if (s.state?.terminated) {
      if (s.state.terminated.exitCode === 0) succeeded++;
      else failed++;
    }
  }
  if (waitingFresh > 0) return "Pending";
  if (running > 0 || restarting > 0) return "Running";
  if (succeeded + failed === main.length && main.length) {
    if (policy === "Always") return "Running";
    if (failed > 0) return policy === "Never" ? "Failed" : "Running";
    return "Succeeded";
  }
  return "Pending";
}

function condition(
  type: string,
  ok: boolean,
  inputs: StatusInputs,
  reason?: string,
  message?: string,
): PodCondition {
  const old = inputs.previous?.conditions?.find((c) => c.type === type);
  const status = ok ? "True" : "False";
  const lastTransitionTime = old && old.status === status ? old.lastTransitionTime : rfc3339(inputs.now);
  return {
    type,
    status,
    lastProbeTime: null as unknown as undefined,
    lastTransitionTime,
    reason: ok ? undefined : reason,
    message: ok ? undefined : message,
  };
}

export function podStatus(inputs: StatusInputs): PodStatus {
  const { pod } = inputs;
  const byName = attemptsByName(inputs.containers);
  const init = (pod.spec?.initContainers ?? []).map((c) =>
    containerStatus(c, byName.get(c.name), inputs, true),
  );
  const initialized = init.every((s) => s.state?.terminated?.exitCode === 0);
  const main = (pod.spec?.containers ?? []).map((c) =>
    containerStatus(
      c,
      byName.get(c.name),
      inputs,
      false,
      initialized ? "ContainerCreating" : "PodInitializing",
    ),
  );
  const phase = phaseOf(pod, init, main);
  const notReady = main.filter((s) => !s.ready).map((s) => s.name);
  const containersReady = notReady.length === 0 && phase === "Running";
  const terminal = phase === "Succeeded" || phase === "Failed";
  const notReadyMessage = `containers with unready status: [${notReady.join(" ")}]`;
  const pendingInit = init.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const status: PodStatus = {
    phase,
    conditions: [
      condition("PodReadyToStartContainers", inputs.sandbox?.state === "ready" && !terminal, inputs),
      condition(
        "Initialized",
        initialized,
        inputs,
        "ContainersNotInitialized",
        `containers with incomplete status: [${pendingInit.join(" ")}]`,
      ),
      condition(
        "Ready",
        containersReady,
        inputs,
        terminal ? "PodCompleted" : "ContainersNotReady",
        terminal ? undefined : notReadyMessage,
      ),
      condition(
        "ContainersReady",
        containersReady,
        inputs,
        terminal ? "PodCompleted" : "ContainersNotReady",
        terminal ? undefined : notReadyMessage,
      ),
      condition("PodScheduled", true, inputs),
    ],
    hostIP: inputs.hostIP,
    hostIPs: [{ ip: inputs.hostIP }],
    startTime: inputs.previous?.startTime ?? rfc3339(inputs.now),
    containerStatuses: main,
    qosClass: qosClass(pod),
  };
  if (init.length) status.initContainerStatuses = init;
  // Ephemeral containers are never ready (upstream reports ready: false whatever their state).
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => ({
    ...containerStatus(c as Container, byName.get(c.name), inputs, true),
    ready: false,
  }));
  if (ephemeral.length) status.ephemeralContainerStatuses = ephemeral;
  if (inputs.sandbox?.ip) {
    status.podIP = inputs.sandbox.ip;
    status.podIPs = [{ ip: inputs.sandbox.ip }];
  }
  return status;
}
