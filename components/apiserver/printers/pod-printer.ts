// Pod columns: Name, Ready, Status, Restarts, Age, IP, Node, Nominated Node, Readiness Gates.
// Upstream: pkg/printers/internalversion/printers.go (printPod): the STATUS reason rules are kept in order.

import type { Container, ContainerStatus, Pod, PodCondition } from "kubernetes-types/core/v1";
import { age, elapsedSince, parseTimestamp } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";
import type { TableRowCondition } from "./table-types.ts";

const podSuccessConditions: TableRowCondition[] = [
  { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
];
const podFailedConditions: TableRowCondition[] = [
  { type: "Completed", status: "True", reason: "Failed", message: "The pod failed." },
];

const isRestartableInitContainer = (c: Container | undefined): boolean => c?.restartPolicy === "Always";

const hasCondition = (conditions: PodCondition[] | undefined, type: string): boolean =>
  (conditions ?? []).some((c) => c.type === type && c.status === "True");

/** podutil.isPodInitializedConditionTrue: the first Initialized condition decides. */
const isInitialized = (conditions: PodCondition[] | undefined): boolean =>
  (conditions ?? []).find((c) => c.type === "Initialized")?.status === "True";

/** FinishedAt of the last termination, or -Infinity (Go's zero time) when there is none. */
const lastTerminated = (status: ContainerStatus): number =>
  parseTimestamp(status.lastState?.terminated?.finishedAt) ?? Number.NEGATIVE_INFINITY;

interface PodSummary {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart: number;
}

function summarize(pod: Pod): PodSummary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let total = spec?.containers?.length ?? 0;
  let ready = 0;
  let lastRestart = Number.NEGATIVE_INFINITY;
  let lastRestartableInitRestart = Number.NEGATIVE_INFINITY;

  let reason = status.reason || (status.phase ?? "");
  if ((status.conditions ?? []).some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) {
    reason = "SchedulingGated";
  }

  const initContainers = new Map<string, Container>();
  for (const c of spec?.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartableInitContainer(c)) total++;
  }
  const initCount = spec?.initContainers?.length ?? 0;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i] as ContainerStatus;
    const restartable = isRestartableInitContainer(initContainers.get(c.name));
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, lastTerminated(c));
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, lastTerminated(c));
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      // initialization failed
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${terminated.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || isInitialized(status.conditions)) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as ContainerStatus;
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, lastTerminated(c));
      const { waiting, terminated, running } = c.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      } else if (c.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last container completed but another still runs is shown as running.
    if (reason === "Completed" && hasRunning) {
      reason = hasCondition(status.conditions, "Ready") ? "Running" : "NotReady";
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === "NodeLost") {
    reason = "Unknown";
  } else if (pod.metadata?.deletionTimestamp && status.phase !== "Succeeded" && status.phase !== "Failed") {
    reason = "Terminating";
  }
  return { reason, ready, total, restarts, lastRestart };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  let trueConditions = 0;
  for (const gate of gates) {
    const condition = (pod.status?.conditions ?? []).find((c) => c.type === gate.conditionType);
    if (condition?.status === "True") trueConditions++;
  }
  return `${trueConditions}/${gates.length}`;
}

export const podPrinter = definePrinter<Pod>(
  [
    nameColumn,
    column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    column("Status", "The aggregate status of the containers in this pod."),
    column(
      "Restarts",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    ageColumn,
    column("IP", columnDescriptions.podIP, { priority: 1 }),
    column("Node", columnDescriptions.nodeName, { priority: 1 }),
    column("Nominated Node", columnDescriptions.nominatedNodeName, { priority: 1 }),
    column("Readiness Gates", columnDescriptions.readinessGates, { priority: 1 }),
  ],
  (pod, now) => {
    const s = summarize(pod);
    let restarts = String(s.restarts);
    if (s.restarts !== 0 && Number.isFinite(s.lastRestart)) {
      restarts = `${s.restarts} (${elapsedSince(s.lastRestart, now)} ago)`;
    }
    const phase = pod.status?.phase;
    const conditions =
      phase === "Succeeded" ? podSuccessConditions : phase === "Failed" ? podFailedConditions : undefined;
    return {
      cells: [
        pod.metadata?.name ?? "",
        `${s.ready}/${s.total}`,
        s.reason,
        restarts,
        age(pod.metadata?.creationTimestamp, now),
        pod.status?.podIPs?.[0]?.ip || "<none>",
        pod.spec?.nodeName || "<none>",
        pod.status?.nominatedNodeName || "<none>",
        readinessGates(pod),
      ],
      ...(conditions ? { conditions } : {}),
    };
  },
);
