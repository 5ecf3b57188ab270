// Tests for the DaemonSet rolling-update step: maxUnavailable as int and percentage, old
// unavailable pods replaced at once.

import { expect, test } from "bun:test";
import type { DaemonSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { rollingUpdateDeletions, scaledValue } from "./rolling-update.ts";

const pod = (name: string, hash: string, ready: boolean): Pod => ({
  metadata: { name, labels: { "controller-revision-hash": hash } },
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

const run = (maxUnavailable: number | string, pods: Pod[]) => {
  const byNode = new Map(pods.map((p, i) => [`n${i}`, [p]]));
  const eligibility = new Map(
    pods.map((_p, i) => [`n${i}`, { shouldRun: true, shouldContinueRunning: true }]),
  );
  const ds: DaemonSet = {
    spec: { selector: {}, template: {}, updateStrategy: { rollingUpdate: { maxUnavailable } } },
  };
  return rollingUpdateDeletions({
    ds,
    byNode,
    eligibility,
    hash: "new",
    generation: undefined,
    now: new Date(),
  }).map((p) => p.metadata?.name);
};

test("scaledValue rounds percentages up", () => {
  expect(scaledValue("10%", 3, 1)).toBe(1);
  expect(scaledValue("50%", 5, 1)).toBe(3);
  expect(scaledValue(2, 5, 1)).toBe(2);
  expect(scaledValue(undefined, 5, 1)).toBe(1);
});

test("deletes at most maxUnavailable available old pods, counting unavailable new ones", () => {
  expect(run(1, [pod("a", "old", true), pod("b", "old", true), pod("c", "old", true)])).toEqual(["a"]);
  expect(run(2, [pod("a", "old", true), pod("b", "old", true), pod("c", "old", true)])).toEqual(["a", "b"]);
  expect(run(1, [pod("a", "new", false), pod("b", "old", true)])).toEqual([]);
  expect(run("100%", [pod("a", "old", true), pod("b", "old", true)])).toEqual(["a", "b"]);
});

test("old pods that are not available are replaced at once", () => {
  expect(run(1, [pod("a", "new", false), pod("b", "old", false), pod("c", "old", true)])).toEqual(["b"]);
});
