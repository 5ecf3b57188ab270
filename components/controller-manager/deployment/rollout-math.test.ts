// Rollout arithmetic: percentages round as upstream, fenceposts, new RS size, proportions.
import { expect, test } from "bun:test";
import type { DeploymentObject, ReplicaSetObject } from "./deployment-types.ts";
import {
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportion,
  resolveFenceposts,
  scaledValue,
} from "./rollout-math.ts";

const d = (replicas: number, surge: number | string, unavailable: number | string): DeploymentObject => ({
  metadata: { name: "d" },
  spec: {
    replicas,
    selector: {},
    template: {},
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
  },
});
const rs = (replicas: number, max?: number): ReplicaSetObject => ({
  metadata: {
    name: "rs",
    annotations: max === undefined ? {} : { "deployment.kubernetes.io/max-replicas": `${max}` },
  },
  spec: { replicas, selector: {} },
});

test("maxSurge rounds up, maxUnavailable down; both zero means one unavailable", () => {
  expect(scaledValue("25%", 3, true)).toBe(1);
  expect(scaledValue("25%", 3, false)).toBe(0);
  expect(resolveFenceposts("25%", "25%", 3)).toEqual([1, 0]);
  expect(resolveFenceposts(0, "10%", 3)).toEqual([0, 1]);
  expect(maxSurge(d(10, "25%", "25%"))).toBe(3);
  expect(maxUnavailable(d(10, "25%", "25%"))).toBe(2);
  expect(maxUnavailable(d(2, 0, 5))).toBe(2);
  const recreate = {
    ...d(3, 1, 1),
    spec: { ...d(3, 1, 1).spec, strategy: { type: "Recreate" } },
  } as DeploymentObject;
  expect(maxSurge(recreate)).toBe(0);
  expect(newRSNewReplicas(recreate, [], rs(0))).toBe(3);
});

test("the new ReplicaSet grows within replicas + maxSurge", () => {
  const dep = d(3, 1, 0);
  expect(newRSNewReplicas(dep, [rs(3), rs(0)], rs(0))).toBe(1);
  expect(newRSNewReplicas(dep, [rs(2), rs(2)], rs(2))).toBe(2);
  expect(newRSNewReplicas(dep, [rs(0), rs(1)], rs(1))).toBe(3);
});

test("proportional scaling shares by the size the ReplicaSet was given", () => {
  // 10 -> 15 replicas with maxSurge 3: an RS of 8 out of 13 grows by round(8*18/13)-8 = 3.
  const dep = d(15, 3, 2);
  expect(proportion(rs(8, 13), dep, 5, 0)).toBe(3);
  expect(proportion(rs(5, 13), dep, 5, 3)).toBe(2);
  expect(proportion(rs(0, 13), dep, 5, 0)).toBe(0);
});
