// computePodActions: init containers in order, restart policies, running containers to probe.

import { describe, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import type { ContainerStatus } from "../runtime/runtime.ts";
import { computePodActions, shouldRestart } from "./pod-actions.ts";

function pod(restartPolicy: string | undefined, init: string[], apps: string[]): Pod {
  return {
    metadata: { name: "p", namespace: "default", uid: "u1" },
    spec: {
      restartPolicy,
      initContainers: init.map((name) => ({ name, image: "busybox" })),
      containers: apps.map((name) => ({ name, image: "busybox" })),
    },
  };
}

function c(
  name: string,
  attempt: number,
  state: ContainerStatus["state"],
  exitCode?: number,
): ContainerStatus {
  return {
    id: `${name}-${attempt}`,
    sandboxId: "s",
    name,
    attempt,
    image: "busybox",
    state,
    exitCode,
    createdAt: new Date(0),
    logPath: "",
    labels: {},
  };
}

const names = (list: { spec: { name: string } }[]) => list.map((x) => x.spec.name);

describe("computePodActions", () => {
  test("a new pod starts its first init container only", () => {
    const a = computePodActions(pod(undefined, ["i1", "i2"], ["a"]), []);
    expect(a.initializing).toBe(true);
    expect(a.nextInitContainer?.spec.name).toBe("i1");
    expect(a.nextInitContainer?.latest).toBeUndefined();
    expect(a.nextInitContainer?.reason).toBe("init container i1 has not run");
    expect(a.containersToStart).toEqual([]);
  });

  test("after a successful init container the next one starts", () => {
    const a = computePodActions(pod("Always", ["i1", "i2"], ["a"]), [c("i1", 0, "exited", 0)]);
    expect(a.nextInitContainer?.spec.name).toBe("i2");
  });

  test("a running init container blocks everything", () => {
    const a = computePodActions(pod("Always", ["i1", "i2"], ["a"]), [c("i1", 0, "running")]);
    expect(a).toEqual({
      initializing: true,
      nextInitContainer: undefined,
      containersToStart: [],
      running: [],
      ephemeralToStart: [],
    });
  });

  test("a failed init container restarts unless the policy is Never", () => {
    const failed = [c("i1", 0, "exited", 1)];
    const onFailure = computePodActions(pod("OnFailure", ["i1"], ["a"]), failed);
    expect(onFailure.nextInitContainer?.latest?.id).toBe("i1-0");
    expect(onFailure.nextInitContainer?.reason).toBe(
      "init container i1 exited with code 1, restart policy OnFailure",
    );
    const never = computePodActions(pod("Never", ["i1"], ["a"]), failed);
    expect(never.initializing).toBe(true);
    expect(never.nextInitContainer).toBeUndefined();
    expect(never.containersToStart).toEqual([]);
  });

  test("once every init container succeeded the app containers start, running ones are probed", () => {
    const a = computePodActions(pod("Always", ["i1"], ["a", "b", "c"]), [
      c("i1", 0, "exited", 0),
      c("a", 0, "running"),
      c("b", 0, "created"),
    ]);
    expect(a.initializing).toBe(false);
    expect(names(a.running)).toEqual(["a", "b"]);
    expect(names(a.containersToStart)).toEqual(["c"]);
  });

  test("the latest attempt decides, and restart policies apply to exited containers", () => {
    const containers = [c("a", 0, "exited", 1), c("a", 1, "exited", 0), c("b", 0, "exited", 2)];
    const always = computePodActions(pod("Always", [], ["a", "b"]), containers);
    expect(names(always.containersToStart)).toEqual(["a", "b"]);
    expect(always.containersToStart[0]?.latest?.id).toBe("a-1");
    expect(always.containersToStart[1]?.reason).toBe("container b exited with code 2, restart policy Always");
    const onFailure = computePodActions(pod("OnFailure", [], ["a", "b"]), containers);
    expect(names(onFailure.containersToStart)).toEqual(["b"]);
    const never = computePodActions(pod("Never", [], ["a", "b"]), containers);
    expect(never.containersToStart).toEqual([]);
    expect(never.running).toEqual([]);
  });

  test("a pod without a spec does nothing", () => {
    expect(computePodActions({}, [])).toEqual({
      initializing: false,
      nextInitContainer: undefined,
      containersToStart: [],
      running: [],
      ephemeralToStart: [],
    });
  });

  test("shouldRestart follows the restart policy", () => {
    expect(shouldRestart(0, "Always")).toBe(true);
    expect(shouldRestart(0, "OnFailure")).toBe(false);
    expect(shouldRestart(137, "OnFailure")).toBe(true);
    expect(shouldRestart(1, "Never")).toBe(false);
  });

  test("an ephemeral container starts once, even while init containers run, and never again", () => {
    const p = pod("Always", ["i1"], ["a"]);
    if (p.spec)
      p.spec.ephemeralContainers = [{ name: "debugger", image: "busybox", targetContainerName: "a" }];
    const first = computePodActions(p, [c("i1", 0, "running")]);
    expect(first.initializing).toBe(true);
    expect(names(first.ephemeralToStart)).toEqual(["debugger"]);
    expect(first.ephemeralToStart[0]?.spec).toEqual({ name: "debugger", image: "busybox" });
    const exited = computePodActions(p, [
      c("i1", 0, "exited", 0),
      c("a", 0, "running"),
      c("debugger", 0, "exited", 1),
    ]);
    expect(exited.ephemeralToStart).toEqual([]);
    expect(names(exited.containersToStart)).toEqual([]);
  });
});
