// Cases ported from upstream printers_test.go (TestPrintPod, TestPrintPodConditions,
// TestPrintNonTerminatedPod).

import { describe, expect, test } from "bun:test";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1";
import { podPrinter } from "./pod-printer.ts";

const now = new Date("2024-06-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const s = 1000;
const d = 86_400_000;
const containers = (n: number) => Array.from({ length: n }, () => ({ name: "" }));
const running = { running: {} };
const lastTerminated = (ms: number) => ({ terminated: { exitCode: 0, finishedAt: ago(ms) } });

const cells = (pod: Pod) => podPrinter.print(pod, now).cells.slice(0, 5);
const pod = (name: string, spec: Pod["spec"], status: Pod["status"], deleted = false): Pod => ({
  metadata: { name, ...(deleted ? { deletionTimestamp: ago(10 * s) } : {}) },
  spec: spec ?? { containers: [] },
  status,
});
const twoContainers = { containers: containers(2) };

describe("pod STATUS, READY and RESTARTS", () => {
  test("counts ready containers and restarts", () => {
    const statuses: ContainerStatus[] = [
      { name: "", image: "", imageID: "", ready: true, restartCount: 3, state: running },
      { name: "", image: "", imageID: "", ready: false, restartCount: 3 },
    ];
    expect(cells(pod("test1", twoContainers, { phase: "podPhase", containerStatuses: statuses }))).toEqual([
      "test1",
      "1/2",
      "podPhase",
      "6",
      "<unknown>",
    ]);
  });

  test("a waiting container's reason overrides the phase", () => {
    const statuses = [
      { ready: true, restartCount: 3, state: running },
      { restartCount: 3, state: { waiting: { reason: "ContainerWaitingReason" } } },
    ] as ContainerStatus[];
    expect(cells(pod("test2", twoContainers, { phase: "podPhase", containerStatuses: statuses }))).toEqual([
      "test2",
      "1/2",
      "ContainerWaitingReason",
      "6",
      "<unknown>",
    ]);
  });

  test("the first container's reason wins (statuses are walked backwards)", () => {
    const statuses = [
      { restartCount: 3, state: { waiting: { reason: "ContainerWaitingReason" } } },
      { restartCount: 3, state: { terminated: { exitCode: 0, reason: "ContainerTerminatedReason" } } },
    ] as ContainerStatus[];
    expect(cells(pod("test3", twoContainers, { phase: "podPhase", containerStatuses: statuses }))[2]).toBe(
      "ContainerWaitingReason",
    );
  });

  test("ready without running is not counted; status.reason wins over phase", () => {
    const statuses = [
      { ready: true, restartCount: 3, state: running },
      { ready: true, restartCount: 3 },
    ] as ContainerStatus[];
    expect(cells(pod("test4", twoContainers, { phase: "podPhase", containerStatuses: statuses }))).toEqual([
      "test4",
      "1/2",
      "podPhase",
      "6",
      "<unknown>",
    ]);
    expect(
      cells(
        pod("test5", twoContainers, { phase: "podPhase", reason: "podReason", containerStatuses: statuses }),
      )[2],
    ).toBe("podReason");
  });

  test("Completed with a running sibling is NotReady, or Running with the Ready condition", () => {
    const statuses = [
      { ready: true, restartCount: 3, state: { terminated: { reason: "Completed", exitCode: 0 } } },
      { ready: true, restartCount: 3, state: running },
    ] as ContainerStatus[];
    expect(cells(pod("test6", twoContainers, { phase: "Running", containerStatuses: statuses }))).toEqual([
      "test6",
      "1/2",
      "NotReady",
      "6",
      "<unknown>",
    ]);
    const ready = {
      phase: "Running",
      containerStatuses: statuses,
      conditions: [{ type: "Ready", status: "True" }],
    };
    expect(cells(pod("test6", twoContainers, ready))[2]).toBe("Running");
  });

  test("init containers: Init:i/n and restarts with the last restart age", () => {
    const initSpec = (n: number) => ({ initContainers: containers(n), containers: containers(1) });
    const waiting = { ready: false, state: { waiting: {} } } as ContainerStatus;
    const restarting = { ready: false, restartCount: 3, state: running, lastState: lastTerminated(10 * s) };
    expect(
      cells(
        pod("test7", initSpec(1), {
          phase: "podPhase",
          initContainerStatuses: [restarting as ContainerStatus],
          containerStatuses: [waiting],
        }),
      ),
    ).toEqual(["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"]);
    expect(
      cells(
        pod("test8", initSpec(2), {
          phase: "podPhase",
          initContainerStatuses: [restarting as ContainerStatus, waiting],
          containerStatuses: [waiting],
        }),
      ).slice(2, 4),
    ).toEqual(["Init:0/2", "3 (10s ago)"]);
    expect(
      cells(
        pod("test9", initSpec(2), {
          phase: "podPhase",
          initContainerStatuses: [
            { ready: false, state: { terminated: { exitCode: 0 } } } as ContainerStatus,
            restarting as ContainerStatus,
          ],
          containerStatuses: [waiting],
        }),
      ).slice(2, 4),
    ).toEqual(["Init:1/2", "3 (10s ago)"]);
    const doneWithRestarts = {
      ready: false,
      restartCount: 2,
      state: { terminated: { exitCode: 0 } },
      lastState: lastTerminated(2 * 60 * s),
    } as ContainerStatus;
    expect(
      cells(
        pod("test10", initSpec(2), {
          phase: "podPhase",
          initContainerStatuses: [doneWithRestarts, restarting as ContainerStatus],
          containerStatuses: [waiting],
        }),
      ).slice(2, 4),
    ).toEqual(["Init:1/2", "5 (10s ago)"]);
    expect(
      cells(
        pod("test11", initSpec(1), {
          phase: "Running",
          initContainerStatuses: [doneWithRestarts],
          containerStatuses: [
            {
              ready: false,
              restartCount: 4,
              state: running,
              lastState: lastTerminated(20 * s),
            } as ContainerStatus,
          ],
        }),
      ),
    ).toEqual(["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"]);
  });

  test("failed init containers: Init:<reason>, Init:Signal:n, Init:ExitCode:n, Init:<waiting reason>", () => {
    const spec = { initContainers: containers(1), containers: containers(1) };
    const withInit = (state: ContainerStatus["state"]) =>
      cells(pod("p", spec, { phase: "Pending", initContainerStatuses: [{ state } as ContainerStatus] }))[2];
    expect(withInit({ terminated: { exitCode: 1, reason: "Error" } })).toBe("Init:Error");
    expect(withInit({ terminated: { exitCode: 137, signal: 9 } })).toBe("Init:Signal:9");
    expect(withInit({ terminated: { exitCode: 2 } })).toBe("Init:ExitCode:2");
    expect(withInit({ waiting: { reason: "CrashLoopBackOff" } })).toBe("Init:CrashLoopBackOff");
    expect(withInit({ waiting: { reason: "PodInitializing" } })).toBe("Init:0/1");
  });

  test("main containers: CrashLoopBackOff, Error, Signal, ExitCode, ContainerCreating", () => {
    const spec = { containers: containers(1) };
    const withState = (state: ContainerStatus["state"]) =>
      cells(pod("p", spec, { phase: "Running", containerStatuses: [{ state } as ContainerStatus] }))[2];
    expect(withState({ waiting: { reason: "CrashLoopBackOff" } })).toBe("CrashLoopBackOff");
    expect(withState({ waiting: { reason: "ContainerCreating" } })).toBe("ContainerCreating");
    expect(withState({ terminated: { exitCode: 1, reason: "Error" } })).toBe("Error");
    expect(withState({ terminated: { exitCode: 143, signal: 15 } })).toBe("Signal:15");
    expect(withState({ terminated: { exitCode: 3 } })).toBe("ExitCode:3");
  });

  test("restarts long ago, and the most recent of several containers", () => {
    const c = (restarts: number, lastMs?: number) =>
      ({
        ready: true,
        restartCount: restarts,
        state: running,
        ...(lastMs ? { lastState: lastTerminated(lastMs) } : {}),
      }) as ContainerStatus;
    expect(
      cells(
        pod("test12", { containers: containers(1) }, { phase: "Running", containerStatuses: [c(3, 5 * d)] }),
      ),
    ).toEqual(["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"]);
    expect(
      cells(pod("test13", twoContainers, { phase: "Running", containerStatuses: [c(0), c(3, 10 * d)] })),
    ).toEqual(["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"]);
    expect(
      cells(
        pod("test14", twoContainers, { phase: "Running", containerStatuses: [c(6, 5 * d), c(3, 20 * d)] }),
      ),
    ).toEqual(["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"]);
  });

  test("SchedulingGated", () => {
    const status = {
      phase: "podPhase",
      conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }],
    };
    expect(cells(pod("test15", twoContainers, status))).toEqual([
      "test15",
      "0/2",
      "SchedulingGated",
      "0",
      "<unknown>",
    ]);
  });

  test("terminal phases carry row conditions; deletion shows Terminating unless terminal", () => {
    const completed = {
      phase: "Succeeded",
      containerStatuses: [{ ready: false, state: { terminated: { reason: "Completed", exitCode: 0 } } }],
    } as Pod["status"];
    const spec = { containers: containers(1) };
    const succeeded = podPrinter.print(pod("test16", spec, completed), now);
    expect(succeeded.cells.slice(0, 5)).toEqual(["test16", "0/1", "Completed", "0", "<unknown>"]);
    expect(succeeded.conditions).toEqual([
      {
        type: "Completed",
        status: "True",
        reason: "Succeeded",
        message: "The pod has completed successfully.",
      },
    ]);
    const failed = podPrinter.print(
      pod("test17", spec, {
        phase: "Failed",
        containerStatuses: [{ state: { terminated: { reason: "Error", exitCode: 1 } } } as ContainerStatus],
      }),
      now,
    );
    expect(failed.cells[2]).toBe("Error");
    expect(failed.conditions).toEqual([
      { type: "Completed", status: "True", reason: "Failed", message: "The pod failed." },
    ]);
    expect(cells(pod("test18", spec, completed, true))[2]).toBe("Completed");
    const runningPod = {
      phase: "Running",
      containerStatuses: [{ ready: false, state: running } as ContainerStatus],
    };
    expect(cells(pod("test19", spec, runningPod, true))[2]).toBe("Terminating");
    expect(cells(pod("test20", spec, { phase: "Pending" }, true))).toEqual([
      "test20",
      "0/1",
      "Terminating",
      "0",
      "<unknown>",
    ]);
    expect(cells(pod("lost", spec, { phase: "Running", reason: "NodeLost" }, true))[2]).toBe("Unknown");
    expect(cells(pod("lost", spec, { phase: "Running", reason: "NodeLost" }))[2]).toBe("NodeLost");
    expect(podPrinter.print(pod("r", spec, { phase: "Running" }), now).conditions).toBeUndefined();
  });
});
