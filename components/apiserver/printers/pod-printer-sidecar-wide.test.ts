// Cases ported from upstream printers_test.go (TestPrintPodWithRestartableInitContainer, TestPrintPodwide).

import { describe, expect, test } from "bun:test";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1";
import { podPrinter } from "./pod-printer.ts";

const now = new Date("2024-06-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const s = 1000;
const containers = (n: number) => Array.from({ length: n }, () => ({ name: "" }));
const running = { running: {} };
const lastTerminated = (ms: number) => ({ terminated: { exitCode: 0, finishedAt: ago(ms) } });

const cells = (pod: Pod) => podPrinter.print(pod, now).cells.slice(0, 5);
const pod = (name: string, spec: Pod["spec"], status: Pod["status"], deleted = false): Pod => ({
  metadata: { name, ...(deleted ? { deletionTimestamp: ago(10 * s) } : {}) },
  spec: spec ?? { containers: [] },
  status,
});

describe("restartable init containers (sidecars)", () => {
  const always = "Always";
  const spec = {
    initContainers: [
      { name: "restartable-init-1", restartPolicy: always },
      { name: "restartable-init-2", restartPolicy: always },
    ],
    containers: containers(1),
  };
  const waiting = { ready: false, restartCount: 0, state: { waiting: {} } } as ContainerStatus;

  test("the first running but not started", () => {
    const status = {
      phase: "Pending",
      initContainerStatuses: [
        {
          name: "restartable-init-1",
          ready: false,
          restartCount: 3,
          state: running,
          started: false,
          lastState: lastTerminated(10 * s),
        },
        { name: "restartable-init-2", ready: false, state: { waiting: {} }, started: false },
      ] as ContainerStatus[],
      containerStatuses: [waiting],
      conditions: [{ type: "Initialized", status: "False" }],
    };
    expect(cells(pod("test1", spec, status))).toEqual([
      "test1",
      "0/3",
      "Init:0/2",
      "3 (10s ago)",
      "<unknown>",
    ]);
  });

  test("the first started, the second running but not started", () => {
    const status = {
      phase: "Pending",
      initContainerStatuses: [
        {
          name: "restartable-init-1",
          ready: false,
          restartCount: 3,
          state: running,
          started: true,
          lastState: lastTerminated(10 * s),
        },
        { name: "restartable-init-2", ready: false, state: running, started: false },
      ] as ContainerStatus[],
      containerStatuses: [waiting],
      conditions: [{ type: "Initialized", status: "False" }],
    };
    expect(cells(pod("test1", spec, status))).toEqual([
      "test1",
      "0/3",
      "Init:1/2",
      "3 (10s ago)",
      "<unknown>",
    ]);
  });

  test("both started and the container running", () => {
    const status = {
      phase: "Running",
      initContainerStatuses: [
        {
          name: "restartable-init-1",
          ready: false,
          restartCount: 3,
          state: running,
          started: true,
          lastState: lastTerminated(10 * s),
        },
        { name: "restartable-init-2", ready: false, state: running, started: true },
      ] as ContainerStatus[],
      containerStatuses: [
        {
          ready: true,
          restartCount: 4,
          state: running,
          lastState: lastTerminated(20 * s),
        } as ContainerStatus,
      ],
      conditions: [{ type: "Initialized", status: "True" }],
    };
    expect(cells(pod("test2", spec, status))).toEqual([
      "test2",
      "1/3",
      "Running",
      "7 (10s ago)",
      "<unknown>",
    ]);
  });

  test("sidecars exited non-zero after the pod completed", () => {
    const status = {
      phase: "Succeeded",
      initContainerStatuses: [
        {
          name: "restartable-init-1",
          ready: false,
          restartCount: 3,
          state: { terminated: { reason: "Error", exitCode: 137 } },
          started: false,
          lastState: lastTerminated(10 * s),
        },
        {
          name: "restartable-init-2",
          ready: false,
          state: { terminated: { reason: "Error", exitCode: 137 } },
          started: false,
        },
      ] as ContainerStatus[],
      containerStatuses: [
        {
          ready: false,
          restartCount: 4,
          state: { terminated: { reason: "Completed", exitCode: 0 } },
          lastState: lastTerminated(20 * s),
        } as ContainerStatus,
      ],
      conditions: [{ type: "Initialized", status: "True" }],
    };
    expect(cells(pod("test3", spec, status))).toEqual([
      "test3",
      "0/3",
      "Completed",
      "7 (10s ago)",
      "<unknown>",
    ]);
  });

  test("statuses for containers not in the spec", () => {
    const p: Pod = {
      metadata: { name: "test4" },
      spec: {
        initContainers: [
          { name: "init1", image: "initimage" },
          { name: "sidecar1", image: "sidecarimage", restartPolicy: "Always" },
        ],
        containers: [{ name: "container1", image: "containerimage" }],
      },
      status: {
        phase: "Running",
        initContainerStatuses: [
          { name: "initinvalid" },
          { name: "init1" },
          { name: "sidecar1" },
        ] as ContainerStatus[],
        containerStatuses: [{ name: "containerinvalid" }, { name: "container1" }] as ContainerStatus[],
      },
    };
    expect(cells(p)).toEqual(["test4", "0/2", "Init:0/2", "0", "<unknown>"]);
  });
});

describe("wide columns", () => {
  const gates = {
    readinessGates: [
      { conditionType: "condition1" },
      { conditionType: "condition2" },
      { conditionType: "condition3" },
    ],
  };
  test("IP, Node, Nominated Node, Readiness Gates", () => {
    const p: Pod = {
      metadata: { name: "test1" },
      spec: { containers: containers(2), nodeName: "test1", ...gates },
      status: {
        phase: "podPhase",
        podIPs: [{ ip: "1.1.1.1" }, { ip: "2001:db8::" }],
        nominatedNodeName: "node1",
        conditions: [
          { type: "condition1", status: "False" },
          { type: "condition2", status: "True" },
        ],
        containerStatuses: [
          { ready: true, restartCount: 3, state: running },
          { restartCount: 3 },
        ] as ContainerStatus[],
      },
    };
    expect(podPrinter.print(p, now).cells).toEqual([
      "test1",
      "1/2",
      "podPhase",
      "6",
      "<unknown>",
      "1.1.1.1",
      "test1",
      "node1",
      "1/3",
    ]);
  });

  test("<none> when unset, and the age of a created pod", () => {
    const p: Pod = {
      metadata: { name: "test2", creationTimestamp: ago(5 * 3600 * s) },
      spec: { containers: containers(2) },
      status: { phase: "Pending" },
    };
    expect(podPrinter.print(p, now).cells).toEqual([
      "test2",
      "0/2",
      "Pending",
      "0",
      "5h",
      "<none>",
      "<none>",
      "<none>",
      "<none>",
    ]);
  });
});

test("pod columns match upstream's definitions", () => {
  expect(podPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
    ["Name", "string", "name", 0],
    ["Ready", "string", "", 0],
    ["Status", "string", "", 0],
    ["Restarts", "string", "", 0],
    ["Age", "string", "", 0],
    ["IP", "string", "", 1],
    ["Node", "string", "", 1],
    ["Nominated Node", "string", "", 1],
    ["Readiness Gates", "string", "", 1],
  ]);
});
